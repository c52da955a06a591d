"""What demo posts say: post data (posts.schema), from Faker and sentence pools."""

import math
import random
import re
from datetime import datetime, timedelta

from faker import Faker

# Faker's Korean lorem is Latin, so Korean text comes from these templates: {slot} is a word
# (WORDS, PAIRS, Faker) or a number, {slot/을} the word with the particle its last sound takes.
DIARY = """오늘은 {exercise/을} {minutes}분 했다.
아침에 몸무게를 쟀더니 {kg}kg이었다. 체중계에 올라가기가 무섭다.
{when}에 {food/을} 먹었다.
식단을 지키려고 했는데 결국 {food/을} 참지 못했다.
{city}에서 {person/을} 만났다.
{person/이} {food/을} 사줬다.
주말에는 {person/과} {city}에 가기로 했다.
요즘 잠을 {hours}시간밖에 못 잔다.
**식단도 해야지.**
{exercise/은} 역시 *꾸준함*이 제일 중요하다.
오늘 하루도 {mood}.""".splitlines()
DIARY_TITLES = ["{exercise} {days}일차", "오늘의 식단", "{food} 먹은 날", "{city}에서", "주말 기록"]
RARE = "두리안 캠핑카 우쿨렐레 도자기 양봉 뜨개질 템플스테이 다육식물 kombucha ukulele".split()
# An English sentence of an article, then its translation on the next line.
_QUOTES = """{Company} said on {weekday} that it would spend ${n} billion on {topic} this year.
{company/은} {weekday}에 올해 {topic}에 {n}0억 달러를 투자하겠다고 밝혔다.
Shares of {company} fell {pct}% after the results, the steepest drop in {k} years.
실적 발표 후 {company} 주가는 {pct}% 하락해 {k}년 만에 가장 크게 떨어졌다.
{Group} worry that the market for {topic} moves faster than the rules meant to govern it.
{group/은} {topic} 시장이 이를 규제할 규칙보다 빠르게 움직인다고 우려한다.
The central bank in {country} kept its benchmark rate unchanged at {pct}%.
{country} 중앙은행은 기준금리를 {pct}%로 동결했다.
For {topic}, there is too much capital expenditure and not enough consumption.
{topic} 분야에서는 자본 지출이 너무 많고 실제 소비는 충분하지 않다.
The deal, valued at ${n} billion, still needs approval from regulators in {country}.
{n}0억 달러 규모의 이번 거래는 아직 {country} 규제 당국의 승인이 필요하다.
The government plans tax credits for companies that build factories in {country}.
정부는 {country}에 공장을 짓는 기업에 세액 공제를 제공할 계획이다.""".splitlines()
# Key expressions of each quote, a line each as the editor takes them (study.expressions).
_KEY_EXPRESSIONS = [
    ["spend = (돈을) 쓰다, 투자하다", "this year = 올해"],
    ["steepest drop = 가장 큰 하락폭", "shares = 주식, 주가"],
    ["moves faster than = ~보다 빠르게 움직이다", "meant to govern = 규제하기 위한"],
    ["benchmark rate = 기준금리", "unchanged = 변동 없는, 동결된"],
    ["capital expenditure = 자본 지출", "consumption = 소비"],
    ["valued at = ~의 가치로 평가되는", "needs approval = 승인이 필요하다"],
    ["tax credits = 세액 공제", "build factories = 공장을 짓다"],
]
QUOTES = list(zip(_QUOTES[::2], _QUOTES[1::2], _KEY_EXPRESSIONS, strict=True))
HEADLINES = """{Company} defends hefty {topic} spending
Why {topic} is suddenly everywhere in {country}
Regulators in {country} probe {company}
{Company} bets big on {topic}""".splitlines()
OPINIONS = """{topic/은} 결국 누가 더 오래 버티느냐의 싸움인 것 같다.
{company}의 입장도 이해는 간다. 투자금액이 엄청났던 것도 맞다.
{country}에 사는 입장에서 보면 남의 일 같지 않다.
오늘의 단어는 {word}, 뜻은 '{meaning}'.
**{topic}**의 미래가 어떻게 될지 정말 궁금하다.
이 문장은 구조가 길어서 해석하는 데 시간이 꽤 걸렸다.
기사에서는 긍정적으로 썼지만 나는 조금 회의적이다.""".splitlines()
SUMMARIES = """기사를 요약하자면 {company/이} {topic}에 대규모 투자를 이어가고 있다.
핵심은 {group/이} {topic}의 수익성을 의심하기 시작했다는 점이다.
결국 앞으로 몇 년이 {topic} 산업의 방향을 결정할 것으로 보인다.""".splitlines()
CLOSINGS = ["오늘 배운 표현: **{word}** ({meaning}).", "다음에는 {topic} 기사를 더 찾아봐야겠다."]
COMMENTS = ["잘 읽었습니다!", "저도 요즘 {exercise} 시작했어요.", "{topic} 관련 글 더 써 주세요."]
REPLIES = ["감사합니다!", "읽어 주셔서 고마워요 :)", "같이 힘내요!"]
OUTLETS = ["Reuters", "AP News", "BBC News", "Bloomberg", "CNBC", "Financial Times"]
DIARY_TAGS = """일기 운동 필라테스 요가 러닝 다이어트 식단 몸무게 일상 회사 주말 카페 독서
영어공부 가족 친구 요리 건강 수면 날씨 여행 기록 다짐 산책""".split()
COMMENTARY_TAGS = """경제 기술 투자 반도체 인공지능 주식 금리 환율 부동산 무역 에너지 기후
영어표현 AI Economy Tech Markets EV Climate Policy Trade Jobs Startups Inflation""".split()
WORDS = {  # Korean only, for the diary
    "exercise": "필라테스 요가 러닝 수영 헬스 스트레칭 등산".split(),
    "food": "샐러드 닭가슴살 현미밥 김치찌개 떡볶이 고구마 비빔밥 파스타 김밥".split(),
    "when": "아침 점심 저녁 새벽 주말".split(),
    "mood": ["뿌듯했다", "조금 피곤했다", "상쾌했다", "괜히 우울했다", "마음이 편했다"],
}
PAIRS = {  # (English, Korean): a quote and its translation name the same thing
    key: [tuple(pair.split("=")) for pair in pairs.split(", ")]
    for key, pairs in {
        "topic": "AI chips=AI 반도체, electric vehicles=전기차, cloud computing=클라우드, "
        "batteries=배터리, memory chips=메모리 반도체, solar power=태양광",
        "country": "the United States=미국, China=중국, Japan=일본, South Korea=한국, Europe=유럽",
        "group": "investors=투자자들, analysts=분석가들, regulators=규제 당국, consumers=소비자들",
        "weekday": "Monday=월요일, Tuesday=화요일, Wednesday=수요일, Thursday=목요일",
        "word": "hefty=막대한, headwind=역풍, bolster=강화하다, curb=억제하다, windfall=횡재",
    }.items()
}
NUMBERS = {"n": (2, 150), "k": (2, 9), "minutes": (10, 90), "hours": (3, 6), "days": (2, 120)}
TENTHS = {"pct": (3, 95), "kg": (480, 720)}

# The day's numbers of a diary entry: what the owner's diary is about.
EXERCISE = {
    "필라테스": (40, 60),
    "헬스": (30, 90),
    "걷기": (20, 80),
    "요가": (30, 60),
    "수영": (30, 50),
}
MEALS = """그릭요거트와 바나나|현미밥, 닭가슴살, 샐러드|연어 포케|김치찌개 반 공기
샌드위치와 아메리카노|고구마 두 개|두부 스테이크|비빔밥|떡볶이 (치팅데이)|오트밀과 블루베리
된장국과 생선구이""".replace("\n", "|").split("|")

_PARTICLES = {"은": "은는", "이": "이가", "을": "을를", "과": "과와", "으로": ("으로", "로")}
# The final sound of a digit or Latin letter read aloud (일, 삼, 육, 칠, 팔; 엘, 엠, 엔, 알),
# as a jongseong index (ㄹ is 8).
_SPOKEN_FINALS = {"1": 8, "3": 16, "6": 1, "7": 8, "8": 8, "l": 8, "m": 16, "n": 4, "r": 8}
_SLOT = re.compile(r"\{(\w+)(?:/(\w+))?\}")


def josa(word: str, particle: str) -> str:
    """`word` with the form of `particle` that fits its last sound: 식단을, 필라테스는."""
    after_consonant, after_vowel = _PARTICLES[particle]
    last = next((c for c in reversed(word) if c.isalnum()), "")
    if "가" <= last <= "힣":
        final = (ord(last) - ord("가")) % 28
    else:
        final = _SPOKEN_FINALS.get(last.lower(), 0)
    if particle == "으로":  # 로 after ㄹ too
        return word + (after_vowel if final in (0, 8) else after_consonant)
    return word + (after_consonant if final else after_vowel)


class Writer:
    """Post data, comments and names from one seed: the same seed gives the same site."""

    def __init__(self, seed: int | str):
        self.ko, self.en = Faker("ko_KR"), Faker("en_US")
        self.ko.seed_instance(seed)
        self.en.seed_instance(seed)
        self.rng = self.ko.random
        # Its own stream: adding numbers to the diary leaves every seed's words as they were.
        self.numbers_rng = random.Random(f"{seed}-numbers")

    def fill(self, template: str, language: str = "ko", chosen: dict | None = None) -> str:
        """The template with its slots filled; a quote and its translation filled with one
        `chosen` dict name the same things."""
        chosen = {} if chosen is None else chosen

        def word(match: re.Match) -> str:
            name, particle = match.groups()
            key = "word" if name == "meaning" else name.lower()
            if key not in chosen:
                chosen[key] = self._word(key)
            value = chosen[key]
            if isinstance(value, tuple):  # a looked-up word stays English, its meaning Korean
                english = name == "word" or (language == "en" and name != "meaning")
                value = value[0] if english else value[1]
            value = value[0].upper() + value[1:] if name[0].isupper() else value
            return josa(value, particle) if particle else value

        return _SLOT.sub(word, template)

    def _word(self, key: str):
        if key in NUMBERS:
            return str(self.rng.randint(*NUMBERS[key]))
        if key in TENTHS:
            return f"{self.rng.randint(*TENTHS[key]) / 10:.1f}"
        fakes = {"company": self.en.company, "person": self.ko.first_name, "city": self.ko.city}
        return fakes[key]() if key in fakes else self.rng.choice(PAIRS.get(key) or WORDS[key])

    def paragraphs(self, templates, most: int, per_paragraph: int, joiner=" ", about=None):
        """1 to `most` sentences from `templates`, no two alike, `per_paragraph` a paragraph."""
        count = min(len(templates), self.rng.randint(1, most))
        picked = [self.fill(t, "ko", dict(about or {})) for t in self.rng.sample(templates, count)]
        return "\n\n".join(
            joiner.join(picked[i : i + per_paragraph]) for i in range(0, count, per_paragraph)
        )

    def post(self, when: datetime, rare_share: float) -> dict:
        """A public diary entry or commentary, half each, as post data (posts.schema)."""
        rng = self.rng
        tags = (DIARY_TAGS, COMMENTARY_TAGS)[commentary := rng.random() < 0.5]
        tags = sorted(rng.sample(tags, rng.randint(1, 4)))
        common = {"tags": tags, "visibility": "public", "published_at": when.isoformat()}
        if not commentary:
            body = self.paragraphs(DIARY, 8, 3, "\n")
            if rng.random() < rare_share:  # a word few posts have, for searches of a needle
                body += f"\n\n요즘 {josa(rng.choice(RARE), '이')} 좋다."
            title = self.fill(rng.choice(DIARY_TITLES)) if rng.random() < 0.9 else ""
            return {"kind": "diary", "title": title, "body": body, **common, **self.numbers(when)}
        # What the article is about: its headline, quotes and the owner's words name it.
        about = {key: self._word(key) for key in ("company", "topic", "country")}
        lead, *quotes = rng.sample(QUOTES, rng.randint(4, 7))  # no quote twice in an article
        blocks = []
        for english, korean, key_expressions in quotes:
            chosen = dict(about)  # a quote and its translation share their numbers too
            blocks.append(
                {
                    "quote": self.fill(english, "en", chosen),
                    "translation": self.fill(korean, "ko", chosen),
                    # Half the quotes have one (about 2.5 a commentary), for the glossary.
                    "expressions": rng.choice(key_expressions) if rng.random() < 0.5 else "",
                    "opinion": self.paragraphs(OPINIONS, 2, 2, about=about)
                    if rng.random() < 0.9
                    else "",
                }
            )
        outlet = rng.choice(OUTLETS)
        return {
            "kind": "commentary",
            "title": self.fill(rng.choice(HEADLINES), "en", dict(about)),
            "body": self.paragraphs(SUMMARIES, 3, 2, about=about),
            **common,
            "outlet": outlet,
            "source_url": f"https://www.example.com/{outlet.lower().replace(' ', '-')}/"
            f"{when:%Y/%m/%d}/{rng.randint(10000, 99999)}",
            "author": f"{self.en.first_name()} {self.en.last_name()}",
            "published_on": (when - timedelta(days=rng.randint(0, 3))).date().isoformat(),
            "lead": self.fill(rng.choice(QUOTES)[0], "en", dict(about))
            if rng.random() < 0.7
            else "",
            "closing": self.paragraphs(CLOSINGS, 1, 1, about=about) if rng.random() < 0.4 else "",
            "blocks": blocks,
        }

    def numbers(self, when: datetime) -> dict:
        """A diary entry's numbers, private as the owner's are by default: a weight on most
        days, following a slow curve of the date (whatever order the entries are made in),
        exercise on about half, meals on some."""
        rng = self.numbers_rng
        days = when.timestamp() / 86400
        weight = 66 + 3 * math.sin(days / 120) + rng.uniform(-0.6, 0.6)
        kind = rng.choice(list(EXERCISE)) if rng.random() < 0.5 else ""
        return {
            "weight_kg": round(weight, 1) if rng.random() < 0.7 else None,
            "exercise_kind": kind,
            "exercise_minutes": rng.randrange(*EXERCISE[kind], 5) if kind else None,
            "meals": "\n".join(rng.sample(MEALS, rng.randint(2, 3))) if rng.random() < 0.3 else "",
            "metrics_public": False,
        }

    def comments(self, post, share: float, now: datetime) -> list[dict]:
        """For a `share` of posts, 1 to 3 readers' comments, some on a quote, some with the
        owner's reply; none later than `now`."""
        rng, moment, comments = self.rng, post.published_at, []
        blocks = len(getattr(post, "blocks", ()))
        for _ in range(rng.randint(1, 3) if rng.random() < share else 0):
            moment += timedelta(minutes=rng.randint(5, 60 * 24 * 3))
            comments.append(
                {
                    "name": rng.choice((self.ko.name, self.ko.first_name, self.ko.user_name))(),
                    "body": self.fill(rng.choice(COMMENTS)),
                    "created_at": min(moment, now),
                    "block": rng.randrange(blocks) if blocks and rng.random() < 0.3 else None,
                    "reply": rng.choice(REPLIES) if rng.random() < 0.4 else None,
                    "replied_at": min(moment + timedelta(hours=2), now),
                }
            )
        return comments
