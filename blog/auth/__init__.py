"""Owner login, logout, first-run setup and password change. There is no sign-up.

The blueprint is `views.bp` and the Flask-Login wiring `session.configure_login`: the factory
takes them from there."""
