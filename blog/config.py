"""Code defaults. Secrets and deployment settings come from instance/config.py or FLASK_* env."""

from datetime import timedelta

# The database defaults to SQLite in the instance folder; the factory fills in the path.
SQLALCHEMY_DATABASE_URI = None
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

# Everything typed into one post, in characters. Form-encoded, a character costs at most 12
# bytes (4 in UTF-8, each sent as %XX; Hangul 9), so any post within this limit also fits in
# the request body limit below (plus room for field names): a 413 never meets a valid post.
MAX_POST_CHARACTERS = 200_000
MAX_CONTENT_LENGTH = 12 * MAX_POST_CHARACTERS + 256 * 1024
# Multipart forms (the import's file upload) send text as it is: one field may be as large as
# the body (Flask's default, 500 kB, refuses 170,000 Hangul characters), and the import's
# preview sends a few fields for each post of a long diary (the default allows 1,000 fields).
MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
MAX_FORM_PARTS = 10_000

# Photos (blog/media/): where their files live (default: instance/media), the largest upload
# (a phone's photo is 2-12 MB) and the most pixels one may have, checked before decoding it.
MEDIA_FOLDER = None
MEDIA_MAX_BYTES = 20 * 1000 * 1000
MEDIA_MAX_PIXELS = 50 * 1000 * 1000
# Photos sent at once from the editor without JavaScript (its file field takes several).
MEDIA_MAX_FILES_PER_UPLOAD = 10

# Cookies. Set HTTPS = True (FLASK_HTTPS=true) behind TLS to add Secure and HSTS.
HTTPS = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
# Also the longest any login lasts: the user loader refuses older ones (blog/auth/session.py).
REMEMBER_COOKIE_DURATION = timedelta(days=30)
PERMANENT_SESSION_LIFETIME = timedelta(days=14)

# The CSRF token lives as long as the session: hours of writing must not expire it.
WTF_CSRF_TIME_LIMIT = None

# Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
PROXY_FIX_X_FOR = 0

# How passwords are hashed (werkzeug's method string). Checking a hash is deliberately slow; the
# tests set a cheap one. Stored hashes name their own method, so changing it keeps old logins.
PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default: scrypt:32768:8:1

# Login throttling (see blog/auth/throttle.py): for clients the site does not know, after this
# many failures each further failure doubles the wait. A browser the owner logged in from
# holds a device cookie for a year and is exempt from those waits until it fails this often
# within 24 hours.
LOGIN_FREE_FAILURES_PER_NAME = 5
LOGIN_FREE_FAILURES_PER_ADDRESS = 20
LOGIN_MAX_WAIT = timedelta(hours=1)
LOGIN_FAILURES_PER_DEVICE = 5
LOGIN_DEVICE_COOKIE_DURATION = timedelta(days=365)

# Interface language and the owner's time zone (datetime-local fields are read in it).
LANGUAGES = {"ko": "한국어", "en": "English"}
BABEL_DEFAULT_LOCALE = "ko"
BABEL_DEFAULT_TIMEZONE = "Asia/Seoul"

SITE_NAME = "일기와 기사 해설"
# The name the owner's replies are signed with: never the login name, which is half a login.
OWNER_DISPLAY_NAME = "주인"
POSTS_PER_PAGE = 10
# Key expressions per page of the glossary (/glossary): short entries, so a long page of them.
GLOSSARY_PER_PAGE = 50
# Addresses per sitemap page (/sitemap-N.xml): the protocol allows 50,000 and 50 MB a file;
# 1,000 renders in tens of milliseconds uncached (10,000 took a second), and 100,000 posts
# are still only 100 pages in the index.
SITEMAP_PAGE_SIZE = 1_000

# Comments: a form sent sooner than this after it was shown is a bot's (at most 3 s: a person
# who waits 3 s is never refused); at most COMMENT_RATE_LIMIT comments per address per window.
COMMENT_MIN_SECONDS = 3
# A form's timer lasts this long (a long comment may take hours); an older one shows the form
# again with the text and a new timer, so a bot cannot fetch one timer and use it forever.
COMMENT_FORM_LIFETIME = timedelta(hours=12)
COMMENT_RATE_LIMIT = 5
COMMENT_RATE_WINDOW_SECONDS = 600
COMMENT_MAX_LENGTH = 3000

# 공감: once a day per reader per post; at most LIKE_RATE_LIMIT counted per reader per window
# (beyond it, 429), so one client cannot run a post's count up from many posts' pages.
LIKE_RATE_LIMIT = 30
LIKE_RATE_WINDOW_SECONDS = 600

# Static files are addressed with a hash of their content (?v=…), so browsers may keep them.
SEND_FILE_MAX_AGE_DEFAULT = timedelta(days=365)
# Rendered public pages kept per worker (see pagecache.py); 0 turns the cache off. The bytes
# bound the memory they take (plain and compressed forms together).
PAGE_CACHE_SIZE = 500
PAGE_CACHE_BYTES = 64 * 1024 * 1024
# Each worker learns of changes without asking per read (PostgreSQL: it LISTENs for the write
# paths' notifications; SQLite: its data version) and answers cached pages without a query
# (blog/pagenotify.py); off, every cached read asks for the version.
PAGE_CACHE_NOTIFY = True

# Readers' views of posts, for the owner's statistics (/admin/stats, blog/stats): counted in
# memory by each process and written every VIEW_FLUSH_SECONDS (a crash loses at most that).
VIEW_COUNTING = True
VIEW_FLUSH_SECONDS = 10

# The commentary editor's 기사 정보 가져오기 reads the article's page: within this many
# seconds in all, and only from public addresses unless this is set (for tests on 127.0.0.1).
ARTICLE_FETCH_TIMEOUT = 5
ARTICLE_FETCH_ALLOW_PRIVATE = False

# Mail to the owner about comments waiting for approval (blog/notify/). Off while MAIL_SERVER or
# COMMENT_NOTIFY_TO is unset. MAIL_PORT None means the usual port for the mode (465 with SSL,
# 587 with TLS, else 25). Links in the mail need SITE_URL (the site's public address, e.g.
# https://example.com): the Host of a reader's request is the reader's to choose, so a mail
# never takes its links from one.
MAIL_SERVER = None
MAIL_PORT = None
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = None
COMMENT_NOTIFY_TO = None
SITE_URL = None
# Seconds an SMTP connection may take for each step before the try counts as failed.
MAIL_TIMEOUT = 10
# How often each process's deliverer looks for mail that is due (one indexed read when none is).
MAIL_POLL_SECONDS = 2
# Waits after each failed try, then the mail is given up (and logged).
MAIL_RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
# The deliverer thread (tests drive its function themselves and turn this off).
MAIL_DELIVERER = True
