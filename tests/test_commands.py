"""Command-line tools: set-owner and rerender; settings from the environment."""

import pytest

from blog.extensions import db
from blog.models import Commentary, DiaryEntry, Owner, utcnow

from .conftest import make_app


def test_set_owner_from_stdin_creates_then_resets(app, runner):
    result = runner.invoke(args=["set-owner", "주인", "--password-stdin"], input="first pass 1\n")
    assert result.exit_code == 0 and "created" in result.output
    with app.app_context():
        first = db.session.scalar(db.select(Owner))
        token = first.session_token
        assert first.check_password("first pass 1")
    result = runner.invoke(args=["set-owner", "주인", "--password-stdin"], input="second pass 2\n")
    assert "updated" in result.output
    with app.app_context():
        owners = db.session.scalars(db.select(Owner)).all()
        assert len(owners) == 1
        assert owners[0].check_password("second pass 2")
        assert owners[0].session_token != token  # every session ended


def test_set_owner_keeps_one_owner_when_the_setup_link_wins_a_race(app, runner, monkeypatch):
    real_set_password = Owner.set_password

    def set_password_while_the_setup_link_creates_an_owner(owner, password):
        real_set_password(owner, password)
        with db.engine.begin() as other_worker:  # the setup page, in another process
            other_worker.execute(
                db.insert(Owner).values(
                    username="빠른 주인", password_hash="x", session_token="t", created_at=utcnow()
                )
            )

    monkeypatch.setattr(Owner, "set_password", set_password_while_the_setup_link_creates_an_owner)
    result = runner.invoke(args=["set-owner", "주인", "--password-stdin"], input="first pass 1\n")
    assert result.exit_code == 1
    assert "created meanwhile" in result.output and "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalars(db.select(Owner.username)).all() == ["빠른 주인"]


def test_set_owner_prompts_twice_hidden(app, runner):
    result = runner.invoke(args=["set-owner", "owner"], input="long password\nlong password\n")
    assert result.exit_code == 0
    assert "long password" not in result.output  # hidden
    assert "Repeat for confirmation" in result.output


def test_set_owner_refuses_short_passwords(app, runner):
    result = runner.invoke(args=["set-owner", "owner", "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "8 to 128" in result.output


def test_rerender_updates_stored_html(app, runner, make_entry):
    entry_id = make_entry(body="**다시**")
    with app.app_context():
        db.session.get(DiaryEntry, entry_id).body_html = "stale"
        db.session.commit()
    result = runner.invoke(args=["rerender"])
    assert "Rendered 1 posts." in result.output
    with app.app_context():
        assert db.session.get(DiaryEntry, entry_id).body_html == "<p><strong>다시</strong></p>\n"


def test_rerender_brings_old_excerpts_up_to_date(app, runner, make_entry):
    entry_id = make_entry(title="식단", body="아침: 그릭요거트\n점심: 샐러드")
    with app.app_context():
        db.session.get(
            DiaryEntry, entry_id
        ).excerpt = "아침: 그릭요거트 점심: 샐러드"  # as stored before
        db.session.commit()
    runner.invoke(args=["rerender"])
    with app.app_context():
        assert db.session.get(DiaryEntry, entry_id).excerpt == "아침: 그릭요거트\n점심: 샐러드"


def test_rerender_covers_commentary_blocks_and_closing(app, runner):
    with app.app_context():
        commentary = Commentary()
        commentary.title = "Headline"
        commentary.replace_blocks([{"quote": "Q", "opinion": "*생각*"}])
        commentary.closing = "**끝**"
        commentary.body = ""
        db.session.add(commentary)
        db.session.commit()
        commentary.blocks[0].opinion_html = "stale"
        commentary.closing_html = "stale"
        db.session.commit()
    runner.invoke(args=["rerender"])
    with app.app_context():
        commentary = db.session.scalar(db.select(Commentary))
        assert commentary.blocks[0].opinion_html == "<p><em>생각</em></p>\n"
        assert commentary.closing_html == "<p><strong>끝</strong></p>\n"


def test_rerender_keeps_the_stored_html_of_text_too_large_to_render(app, runner, make_entry):
    # Stored before the bound existed (or written around the forms): reported, not a crash.
    fine_id, large_id = make_entry(body="**다시**"), make_entry(body="곧 바뀔 글")
    with app.app_context():
        db.session.get(DiaryEntry, fine_id).body_html = "stale"
        large = db.session.get(DiaryEntry, large_id)
        large.body = "|" + "a|" * 300 + "\n|" + "-|" * 300 + "\n" + "x\n" * 1000
        large.body_html = "<p>kept</p>"
        db.session.commit()
    result = runner.invoke(args=["rerender"])
    assert result.exit_code == 1
    assert f"post {large_id}" in result.output and "Traceback" not in result.output
    assert "Rendered 1 posts." in result.output
    with app.app_context():
        assert db.session.get(DiaryEntry, fine_id).body_html == "<p><strong>다시</strong></p>\n"
        assert db.session.get(DiaryEntry, large_id).body_html == "<p>kept</p>"


def test_rerender_leaves_all_of_a_post_too_large_to_render_as_stored(app, runner):
    with app.app_context():
        commentary = Commentary()
        commentary.title = "Headline"
        commentary.replace_blocks([{"quote": "Q", "opinion": "*생각*"}])
        commentary.body = ""
        db.session.add(commentary)
        db.session.commit()
        commentary.blocks[0].opinion_html = "<p>kept</p>"
        commentary.closing = "[a]: /" + "x" * 1000 + "\n\n" + "[a] " * 300
        db.session.commit()
    assert runner.invoke(args=["rerender"]).exit_code == 1
    with app.app_context():
        commentary = db.session.scalar(db.select(Commentary))
        assert commentary.blocks[0].opinion_html == "<p>kept</p>"


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("False", False),
        ("false", False),
        ("0", False),
        ("off", False),
        ("True", True),
        ("yes", True),
    ],
)
def test_a_switch_from_the_environment_means_what_it_says(tmp_path, monkeypatch, typed, meant):
    # FLASK_* values are read as JSON: "False" stays the text "False", which is truthy.
    monkeypatch.setenv("FLASK_ARTICLE_FETCH_ALLOW_PRIVATE", typed)
    monkeypatch.setenv("FLASK_HTTPS", typed)
    app = make_app(tmp_path)
    assert app.config["ARTICLE_FETCH_ALLOW_PRIVATE"] is meant
    assert app.config["HTTPS"] is meant


def test_a_switch_that_is_neither_stops_the_site(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_ARTICLE_FETCH_ALLOW_PRIVATE", "maybe")
    with pytest.raises(ValueError, match="ARTICLE_FETCH_ALLOW_PRIVATE"):
        make_app(tmp_path)
