"""Demo content for `flask --app app seed-demo`: realistic public posts, written fast.

Posts are made from word and sentence pools with a seeded random generator, so one seed gives
the same site. For speed (100,000 posts in minutes) nothing goes through the ORM: rows are built
as dictionaries and written with bulk inserts, the search index included.

Rendering Markdown is the expensive part (bleach), so every Markdown text is assembled from
sentences of a pool: each distinct sentence is rendered once, and a paragraph's HTML, plain text
and index terms are joined from its sentences'. The sentences are plain text with at most
balanced emphasis, so the result is exactly what `rendering.render_markdown`, `plain_text` and
`search.index_terms` give for the whole text; `Pieces.check` renders a sample of the assembled
texts again to make sure, and stops the seeding if one ever differs.
"""

import math
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, insert, select, text

from . import pagecache, rendering, search
from .extensions import db
from .models import (
    Block,
    Comment,
    Commentary,
    CommentStatus,
    Post,
    Tag,
    Visibility,
    post_tag,
    slugify,
    tag_key,
)
from .posts import schema

BATCH_SIZE = 1000
YEARS = 5
COMMENTED_SHARE = 0.04
RARE_SHARE = 0.003  # diary entries that mention something from RARE_WORDS
CHECK_EVERY = 1000  # render one assembled text in this many again, to be sure

# --- words ---------------------------------------------------------------------------------

# (English, Korean) pairs: a quote and its translation name the same thing.
COMPANIES = [
    ("Microsoft", "마이크로소프트"),
    ("Meta", "메타"),
    ("Nvidia", "엔비디아"),
    ("Apple", "애플"),
    ("Tesla", "테슬라"),
    ("Google", "구글"),
    ("Amazon", "아마존"),
    ("Samsung", "삼성전자"),
    ("OpenAI", "오픈AI"),
    ("TSMC", "TSMC"),
    ("Intel", "인텔"),
    ("Netflix", "넷플릭스"),
    ("Toyota", "도요타"),
    ("Hyundai", "현대차"),
    ("SK Hynix", "SK하이닉스"),
    ("Alibaba", "알리바바"),
    ("Boeing", "보잉"),
    ("Uber", "우버"),
    ("Spotify", "스포티파이"),
    ("Disney", "디즈니"),
    ("DeepSeek", "딥시크"),
    ("Coupang", "쿠팡"),
]
TOPICS = [
    ("artificial intelligence", "인공지능"),
    ("AI chips", "AI 반도체"),
    ("electric vehicles", "전기차"),
    ("cloud computing", "클라우드"),
    ("data centers", "데이터센터"),
    ("smartphones", "스마트폰"),
    ("renewable energy", "재생에너지"),
    ("streaming", "스트리밍"),
    ("batteries", "배터리"),
    ("robotics", "로봇"),
    ("social media", "소셜미디어"),
    ("online shopping", "온라인 쇼핑"),
    ("self-driving cars", "자율주행차"),
    ("memory chips", "메모리 반도체"),
    ("video games", "비디오 게임"),
    ("solar power", "태양광"),
    ("housing", "주택"),
    ("air travel", "항공 여행"),
]
COUNTRIES = [
    ("the United States", "미국"),
    ("China", "중국"),
    ("Japan", "일본"),
    ("South Korea", "한국"),
    ("Europe", "유럽"),
    ("India", "인도"),
    ("Germany", "독일"),
    ("Britain", "영국"),
    ("Taiwan", "대만"),
    ("Brazil", "브라질"),
    ("Canada", "캐나다"),
    ("Vietnam", "베트남"),
]
GROUPS = [
    ("investors", "투자자들"),
    ("analysts", "분석가들"),
    ("regulators", "규제 당국"),
    ("economists", "경제학자들"),
    ("consumers", "소비자들"),
    ("workers", "노동자들"),
    ("lawmakers", "의원들"),
    ("engineers", "엔지니어들"),
    ("small businesses", "중소기업들"),
    ("young people", "젊은 세대"),
]
WEEKDAYS = [
    ("Monday", "월요일"),
    ("Tuesday", "화요일"),
    ("Wednesday", "수요일"),
    ("Thursday", "목요일"),
    ("Friday", "금요일"),
]
MONTHS = [
    ("January", "1월"),
    ("February", "2월"),
    ("March", "3월"),
    ("April", "4월"),
    ("May", "5월"),
    ("June", "6월"),
    ("July", "7월"),
    ("August", "8월"),
    ("September", "9월"),
    ("October", "10월"),
    ("November", "11월"),
    ("December", "12월"),
]
# Words the owner looked up while reading.
VOCABULARY = [
    ("hefty", "막대한"),
    ("outperform", "능가하다"),
    ("upstart", "신생 기업"),
    ("expenditure", "지출"),
    ("curb", "억제하다"),
    ("surge", "급등"),
    ("slump", "부진"),
    ("scrutiny", "정밀 조사"),
    ("headwind", "역풍"),
    ("bolster", "강화하다"),
    ("lucrative", "수익성이 좋은"),
    ("tout", "내세우다"),
    ("plunge", "급락하다"),
    ("sluggish", "부진한"),
    ("resilient", "회복력 있는"),
    ("backlash", "반발"),
    ("looming", "다가오는"),
    ("stun", "깜짝 놀라게 하다"),
    ("leverage", "활용하다"),
    ("rein in", "억제하다"),
    ("bottleneck", "병목"),
    ("windfall", "뜻밖의 수익"),
]
# Words that only a few posts use, so a search can find a needle too.
RARE_WORDS = [
    "두리안",
    "캠핑카",
    "스카이다이빙",
    "우쿨렐레",
    "도자기",
    "서핑",
    "클라이밍",
    "양봉",
    "캘리그라피",
    "뜨개질",
    "아쿠아로빅",
    "승마",
    "펜싱",
    "탱고",
    "수제맥주",
    "보드게임",
    "템플스테이",
    "다육식물",
    "ukulele",
    "kombucha",
]
RARE_SENTENCES = ["요즘 {rare}에 관심이 생겼다.", "친구 덕분에 {rare/을} 알게 됐다."]
# Korean-only words for the diary.
WORDS = {
    "exercise": ["필라테스", "요가", "러닝", "수영", "헬스", "스트레칭", "홈트", "등산", "자전거"],
    "sport": ["필라테스", "요가", "러닝", "수영", "헬스", "스트레칭", "홈트"],
    "food": [
        "샐러드",
        "닭가슴살",
        "현미밥",
        "김치찌개",
        "떡볶이",
        "라면",
        "삼겹살",
        "고구마",
        "두부 샐러드",
        "삶은 계란",
        "그릭요거트",
        "바나나",
        "된장국",
        "비빔밥",
        "파스타",
        "치킨",
        "피자",
        "김밥",
        "쌀국수",
        "오트밀",
        "순두부찌개",
        "아이스크림",
        "샌드위치",
        "냉면",
    ],
    "place": [
        "회사",
        "카페",
        "도서관",
        "공원",
        "헬스장",
        "필라테스 센터",
        "한강",
        "편의점",
        "마트",
        "동네 빵집",
        "서점",
        "본가",
    ],
    "person": ["친구", "엄마", "동생", "팀장님", "회사 동기", "선생님", "언니", "사촌 동생"],
    "when": ["아침", "점심", "저녁", "새벽", "퇴근 후", "출근 전", "자기 전", "주말 아침"],
    "day": ["월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일"],
    "mood": [
        "뿌듯했다",
        "조금 피곤했다",
        "상쾌했다",
        "괜히 우울했다",
        "기분이 좋았다",
        "속상했다",
        "마음이 편했다",
        "정신이 없었다",
    ],
    "body": ["허리", "어깨", "허벅지", "종아리", "목", "등", "코어"],
    "reading": ["영어 원서", "에세이", "소설", "경제 신문", "자기계발서"],
    "rare": RARE_WORDS,
}
NAMES = ["지나가던 사람", "민지", "하늘", "러너", "영어공부중", "서연", "Jamie", "도윤", "봄날"]
OUTLETS = [
    "Reuters",
    "AP News",
    "CNN Business",
    "BBC News",
    "The Guardian",
    "Bloomberg",
    "CNBC",
    "Financial Times",
    "The New York Times",
    "The Economist",
]
AUTHORS = [
    "Sarah Kim",
    "David Chen",
    "Emily Johnson",
    "Michael Brown",
    "Priya Patel",
    "James Lee",
    "Laura Schmidt",
    "Daniel Park",
    "Hannah Wright",
    "Kenji Sato",
    "Maria Lopez",
    "Tom Walker",
]
DIARY_TAGS = [
    "일기",
    "운동",
    "필라테스",
    "요가",
    "러닝",
    "다이어트",
    "식단",
    "몸무게",
    "일상",
    "회사",
    "주말",
    "카페",
    "독서",
    "영어공부",
    "가족",
    "친구",
    "요리",
    "건강",
    "수면",
    "날씨",
    "여행",
    "기록",
    "다짐",
    "산책",
]
COMMENTARY_TAGS = [
    "경제",
    "기술",
    "투자",
    "반도체",
    "인공지능",
    "주식",
    "금리",
    "환율",
    "부동산",
    "무역",
    "에너지",
    "기후",
    "영어표현",
    "AI",
    "Economy",
    "Tech",
    "Markets",
    "Big Tech",
    "EV",
    "Climate",
    "Policy",
    "Trade",
    "Jobs",
    "Startups",
    "Inflation",
    "China",
]

# --- sentences -----------------------------------------------------------------------------
# {slot} is a word from the lists above (or a number); {slot/을} adds the particle that fits
# the word's last sound (을/를, 은/는, 이/가, 과/와, 으로/로, …).

DIARY_SENTENCES = [
    "{sport}할 때마다 느끼는 거지만, {body/이} 정말 약하다.",
    "오늘은 {exercise/을} {minutes}분 했다.",
    "아침에 몸무게를 쟀더니 {kg}kg이었다.",
    "{when}에 {food/을} 먹었다.",
    "{food/은} 생각보다 맛있었다.",
    "식단을 지키려고 했는데 결국 {food/을} 참지 못했다.",
    "{place}에서 {person/을} 만났다.",
    "{person/이} {food/을} 사줬다.",
    "체중계에 올라가기가 무섭다.",
    "내일은 꼭 {sport}하러 가야지.",
    "비가 와서 하루 종일 집에 있었다.",
    "날씨가 너무 좋아서 {place}까지 걸어갔다.",
    "미세먼지가 심해서 {exercise/은} 쉬었다.",
    "요즘 잠을 {hours}시간밖에 못 잔다.",
    "{reading/을} 읽기 시작했다.",
    "영어 공부를 {days}일째 하고 있다.",
    "{place}에서 일하다가 늦게 들어왔다.",
    "물을 {liters}리터나 마셨다.",
    "{sport} 선생님이 자세가 많이 좋아졌다고 칭찬해 줬다.",
    "{body/이} 너무 아파서 계단을 내려가기가 힘들다.",
    "몸무게는 그대로인데 허리 라인이 달라진 것 같다.",
    "{food/이} 너무 먹고 싶어서 결국 시켜 먹었다.",
    "주말에는 {person/이랑} {place}에 가기로 했다.",
    "충격적인 몸무게를 보고 나서 다시 다짐했다.",
    "오늘 하루도 {mood}.",
    "그래도 {weeks}주 전보다 {loss}kg 빠졌다.",
    "회사에서 회의를 {hours}시간이나 했다.",
    "퇴근길에 {place}에 들러서 {food/을} 샀다.",
    "스트레칭만 {minutes}분 했는데도 땀이 났다.",
    "**식단도 해야지.**",
    "{exercise/은} 역시 *꾸준함*이 제일 중요하다.",
    "{day}마다 {exercise/을} 하기로 했는데 벌써 두 번이나 빠졌다.",
    "{when}에 먹은 {food} 때문에 속이 더부룩하다.",
    "{person/과} 통화하면서 한참 웃었다.",
    "{place}에 사람이 너무 많아서 그냥 돌아왔다.",
    "요즘은 {food/으로} 저녁을 대신하고 있다.",
    "몸이 가벼워진 느낌이라 기분이 좋았다.",
    "살찌고 코어도 없는 돼지가 된 것 같다.",
    "체중계를 새로 샀는데, 진짜 잘 샀다.",
    "오랜만에 {reading/을} 끝까지 읽었다.",
    "{sport} 수업에서 {body} 운동을 집중적으로 했다.",
    "밤늦게 {food/을} 먹은 게 후회된다.",
]
OPINION_SENTENCES = [
    "{topic/은} 결국 누가 더 오래 버티느냐의 싸움인 것 같다.",
    "{company}의 입장도 이해는 간다.",
    "솔직히 나는 이 부분이 조금 과장됐다고 생각한다.",
    "{n}0억 달러라는 숫자가 잘 와닿지 않는다.",
    "{country}에 사는 입장에서 보면 남의 일 같지 않다.",
    "예전에 읽은 기사에서도 비슷한 이야기를 했던 게 기억난다.",
    "이 문장은 구조가 길어서 해석하는 데 시간이 꽤 걸렸다.",
    "오늘의 단어는 {word}, 뜻은 '{meaning}'.",
    "{topic}에 관심이 많아서 더 집중해서 읽었다.",
    "기사에서는 긍정적으로 썼지만 나는 조금 회의적이다.",
    "결국 소비자들이 지갑을 열어야 의미가 있는 거다.",
    "작년에 {topic} 관련 주식을 샀다가 손해를 봤던 기억이 난다.",
    "이런 뉴스를 보면 공부를 더 해야겠다는 생각이 든다.",
    "{group}의 걱정도 충분히 일리가 있다.",
    "숫자만 보면 좋아 보이지만, 내용을 보면 꼭 그렇지만도 않다.",
    "이 부분은 번역이 자연스럽지 않아서 몇 번을 고쳐 썼다.",
    "**{topic}**의 미래가 어떻게 될지 정말 궁금하다.",
    "앞으로 {years}년 정도는 지켜봐야 할 것 같다.",
    "{company/은} 이번에도 한발 앞서 나가는 느낌이다.",
    "그래도 나는 {company/을} 응원한다.",
    "회사에서도 요즘 {topic} 이야기를 많이 한다.",
    "지출이 많았던 것도, 투자금액이 엄청났던 것도 모두 맞다.",
    "이것도 맞는 소리다.",
    "위기가 기회인지, 혹은 진짜 붐이 끝나가는 건지 모르겠다.",
    "{country}의 정책이 바뀌면 판이 완전히 달라질 수도 있다.",
    "*수익성*이 아직 명확하지 않다는 게 가장 큰 위험이라고 생각한다.",
    "{company/이} 이렇게까지 공격적으로 나올 줄은 몰랐다.",
    "개인적으로는 {topic/이} 생활을 얼마나 바꿀지가 더 궁금하다.",
    "전문가들 의견이 이렇게 갈리는 걸 보면 정답은 없는 것 같다.",
    "{word/은} 시험에도 자주 나오는 단어라서 외워 두었다.",
]
SUMMARY_SENTENCES = [
    "기사를 요약하자면 {company/이} {topic}에 대규모 투자를 이어가고 있다.",
    "이 기사는 {country}의 {topic} 시장이 어떻게 변하고 있는지를 다룬다.",
    "핵심은 {group/이} {topic}의 수익성을 의심하기 시작했다는 점이다.",
    "{company/은} 단기 실적보다 장기 경쟁력을 강조하고 있다.",
    "반면 일부 {group/은} 지출에 비해 성과가 부족하다고 지적한다.",
    "결국 앞으로 몇 년이 {topic} 산업의 방향을 결정할 것으로 보인다.",
    "{country/과} {country2}의 경쟁이 점점 치열해지고 있다는 내용이다.",
    "금리와 물가가 {topic} 수요에 어떤 영향을 주는지도 설명한다.",
    "기사는 {company}의 최근 실적 발표를 중심으로 이야기를 풀어 간다.",
    "규제가 강화되면서 기업들의 부담이 커지고 있다는 분석도 나온다.",
    "투자 대비 실질적인 소비가 부족하다는 우려가 함께 나온다.",
    "{group/은} 이번 발표를 대체로 긍정적으로 받아들였다.",
]
CLOSING_SENTENCES = [
    "다음에는 {topic} 관련 기사를 더 찾아봐야겠다.",
    "오늘 배운 표현: **{word}** ({meaning}).",
    "영어 공부 겸 읽었는데 생각보다 어려웠다.",
    "다 읽고 나니 {topic}에 대한 생각이 조금 바뀌었다.",
    "이 기사는 나중에 다시 읽어 볼 생각이다.",
    "번역하면서 모르는 단어가 {k}개나 나왔다.",
    "비슷한 주제로 다른 매체 기사도 비교해 보고 싶다.",
]
COMMENTS = [
    "잘 읽었습니다!",
    "저도 요즘 {sport} 시작했는데 정말 공감돼요.",
    "번역이 정말 자연스럽네요.",
    "{topic} 관련 글 더 써 주세요.",
    "오늘도 화이팅입니다 :)",
    "좋은 글 감사합니다.",
    "저도 {food} 좋아해요 ㅎㅎ",
    "영어 공부하는 데 많이 도움이 됩니다.",
    "꾸준히 기록하시는 게 대단해요.",
]
REPLIES = ["감사합니다!", "읽어 주셔서 고마워요 :)", "다음 글도 기대해 주세요.", "같이 힘내요!"]
DIARY_TITLES = [
    "{sport} {days}일차",
    "오늘의 식단",
    "{day} 일기",
    "{food} 먹은 날",
    "몸무게 기록",
    "{place}에서",
    "다이어트 {weeks}주차",
    "비 오는 {day}",
    "{person/과} 보낸 하루",
    "운동 쉬는 날",
    "{month} 첫 {sport}",
    "체중계가 무섭다",
    "주말 기록",
    "영어 공부 {days}일째",
    "작은 다짐",
    "{sport} 일기",
]
HEADLINES = [
    "{Company} defends hefty {topic} spending",
    "{Company} shares slide as demand for {topic} cools",
    "Why {topic} is suddenly everywhere in {country}",
    "Inflation in {country} eases to {pct}%",
    "Central bank in {country} holds rates steady",
    "{Company} to cut {k},000 jobs",
    "Regulators in {country} probe {company}",
    "The race for {topic} heats up",
    "{Company} bets big on {topic}",
    "Investors question the {topic} boom",
    "{Company} unveils a cheaper model for {country}",
    "What higher tariffs mean for {topic}",
    "{Country} plans tax credits for new factories",
    "{Company} beats forecasts as demand for {topic} jumps",
    "Can {company} keep up in {topic}?",
    "{Company} stuns rivals with a breakthrough in {topic}",
]
# A quote sentence and its translation.
QUOTES = [
    (
        "{Company} said on {weekday} that it would spend ${n} billion on {topic} this year.",
        "{company/은} {weekday}에 올해 {topic}에 {n}0억 달러를 투자하겠다고 밝혔다.",
    ),
    (
        "Shares of {company} fell {pct}% after the results, the steepest drop since {since}.",
        "실적 발표 후 {company} 주가는 {pct}% 하락했으며, 이는 {since}년 이후 가장 큰 하락이다.",
    ),
    (
        "{Group} worry that {topic} is moving faster than the rules meant to govern it.",
        "{group/은} {topic/이} 이를 규제하기 위한 규칙보다 더 빠르게 움직이고 있다고 우려한다.",
    ),
    (
        "Demand for {topic} in {country} has doubled over the past {k} years.",
        "{country}의 {topic} 수요는 지난 {k}년 동안 두 배로 늘었다.",
    ),
    (
        "The company expects revenue of about ${n} billion for the quarter, "
        "above what analysts had forecast.",
        "회사는 이번 분기 매출을 약 {n}0억 달러로 예상하며, 이는 분석가들의 전망을 웃돈다.",
    ),
    (
        "We are still in the early days, the chief executive told reporters.",
        "우리는 아직 초기 단계에 있다고 최고경영자는 기자들에게 말했다.",
    ),
    (
        "Inflation in {country} slowed to {pct}% in {month}, the lowest level in {k} years.",
        "{country}의 {month} 물가 상승률은 {pct}%로 둔화해 {k}년 만에 가장 낮은 수준을 기록했다.",
    ),
    (
        "The central bank kept its benchmark rate unchanged at {pct}%.",
        "중앙은행은 기준금리를 {pct}%로 동결했다.",
    ),
    (
        "Critics say the plan does little to help {group} who are already struggling.",
        "비평가들은 이 계획이 이미 어려움을 겪고 있는 {group}에게 별 도움이 되지 않는다고 말한다.",
    ),
    (
        "{Company} has cut about {k},000 jobs since the start of the year.",
        "{company/은} 연초 이후 약 {k}천 개의 일자리를 줄였다.",
    ),
    (
        "The deal, valued at ${n} billion, still needs approval from regulators in {country}.",
        "{n}0억 달러 규모의 이번 거래는 아직 {country} 규제 당국의 승인이 필요하다.",
    ),
    (
        "Analysts warned that a slowdown in {country} could hurt sales of {topic} worldwide.",
        "분석가들은 {country}의 경기 둔화가 전 세계 {topic} 판매에 타격을 줄 수 있다고 경고했다.",
    ),
    (
        "It is not clear whether the spending will pay off.",
        "그 지출이 성과를 거둘지는 분명하지 않다.",
    ),
    (
        "For {topic} right now, there is too much capital expenditure and not enough consumption.",
        "지금 {topic} 분야에서는 자본 지출이 너무 많고 실제 소비는 충분하지 않다.",
    ),
    (
        "The new rules will take effect in {by}, giving companies time to adjust.",
        "새 규정은 {by}년에 시행되어 기업들에게 적응할 시간을 준다.",
    ),
    (
        "{Company} is betting that customers will pay more for better {topic}.",
        "{company/은} 고객들이 더 나은 {topic}에 더 많은 돈을 낼 것이라는 데 베팅하고 있다.",
    ),
    (
        "Prices rose {pct}% from a year earlier, faster than economists had expected.",
        "물가는 1년 전보다 {pct}% 올라 경제학자들의 예상보다 빠르게 상승했다.",
    ),
    (
        "The shift has raised questions about who will benefit and who will be left behind.",
        "이러한 변화는 누가 혜택을 보고 누가 뒤처질 것인지에 대한 의문을 불러일으켰다.",
    ),
    (
        "{Company} reported a net profit of ${n} billion, up {pct}% from a year earlier.",
        "{company/은} 순이익이 {n}0억 달러로 1년 전보다 {pct}% 늘었다고 발표했다.",
    ),
    (
        "Some {group} fear the boom in {topic} looks like a bubble.",
        "일부 {group/은} {topic} 붐이 거품처럼 보인다고 우려한다.",
    ),
    (
        "The government plans to offer tax credits to companies that build factories in {country}.",
        "정부는 {country}에 공장을 짓는 기업에 세액 공제를 제공할 계획이다.",
    ),
    (
        "Sales of {topic} in {country} fell for {k} months in a row.",
        "{country}의 {topic} 판매는 {k}개월 연속 감소했다.",
    ),
    (
        "Executives said building huge computer networks was necessary to serve growing "
        "corporate needs.",
        "경영진은 기업의 늘어나는 수요를 충족하려면 "
        "대규모 컴퓨터 네트워크 구축이 필요하다고 말했다.",
    ),
    (
        "The report found that {group} in {country} are less likely to own a home than their "
        "parents were.",
        "보고서에 따르면 {country}의 {group/은} 부모 세대보다 집을 소유할 가능성이 낮다.",
    ),
    (
        "Energy prices have dropped sharply since the winter, easing pressure on households.",
        "에너지 가격이 겨울 이후 급격히 떨어지면서 가계의 부담이 줄었다.",
    ),
    (
        "{Company} unveiled a cheaper model aimed at customers in {country}.",
        "{company/은} {country} 고객을 겨냥한 더 저렴한 모델을 공개했다.",
    ),
    (
        "Regulators in {country} opened an investigation into whether {company} abused its "
        "market power.",
        "{country} 규제 당국은 {company/이} 시장 지배력을 남용했는지 조사에 착수했다.",
    ),
    (
        "The outage affected millions of users for several hours, the company said.",
        "회사는 이번 장애로 수백만 명의 사용자가 몇 시간 동안 영향을 받았다고 밝혔다.",
    ),
    (
        "Many economists now expect growth of around {pct}% next year.",
        "많은 경제학자들은 이제 내년 성장률을 {pct}% 안팎으로 예상한다.",
    ),
    (
        "Days after a Chinese upstart revealed a breakthrough in cheap {topic}, executives "
        "defended massive spending that they said was key to staying competitive.",
        "중국의 한 신생 기업이 저렴한 {topic} 분야에서 획기적인 발전을 공개한 지 며칠 뒤, "
        "경영진은 경쟁력 유지에 필수적이라며 대규모 지출을 옹호했다.",
    ),
]

# --- Korean particles ----------------------------------------------------------------------

_PARTICLES = {  # particle: (after a final consonant, after a vowel)
    "은": ("은", "는"),
    "이": ("이", "가"),
    "을": ("을", "를"),
    "과": ("과", "와"),
    "이랑": ("이랑", "랑"),
    "으로": ("으로", "로"),
    "이라는": ("이라는", "라는"),
}
# Final sounds of a word that ends in a digit or a Latin letter, as it is read aloud
# (일, 삼, 육, 칠, 팔; 엘, 엠, 엔, 알); the number is the jongseong index (ㄹ is 8).
_SPOKEN_FINALS = {"1": 8, "3": 16, "6": 1, "7": 8, "8": 8, "l": 8, "m": 16, "n": 4, "r": 8}


def josa(word: str, particle: str) -> str:
    """`word` with the form of `particle` that fits its last sound: 식단을, 필라테스는."""
    with_final, without_final = _PARTICLES[particle]
    last = next((c for c in reversed(word) if c.isalnum()), "")
    if "가" <= last <= "힣":
        final = (ord(last) - ord("가")) % 28
    else:
        final = _SPOKEN_FINALS.get(last.lower(), 0)
    if particle == "으로":  # 로 after a vowel and after ㄹ
        return word + (without_final if final in (0, 8) else with_final)
    return word + (with_final if final else without_final)


# --- filling templates ---------------------------------------------------------------------

_SLOT = re.compile(r"\{(\w+)(?:/(\w+))?\}")
_BILINGUAL = {
    "company": COMPANIES,
    "topic": TOPICS,
    "country": COUNTRIES,
    "country2": COUNTRIES,
    "group": GROUPS,
    "weekday": WEEKDAYS,
    "month": MONTHS,
    "word": VOCABULARY,
}
_NUMBERS = {
    "n": lambda rng: str(rng.randint(2, 150)),
    "pct": lambda rng: f"{rng.randint(3, 95) / 10:.1f}",
    "k": lambda rng: str(rng.randint(2, 9)),
    "since": lambda rng: str(rng.randint(2008, 2021)),
    "by": lambda rng: str(rng.randint(2027, 2035)),
    "years": lambda rng: str(rng.randint(2, 10)),
    "minutes": lambda rng: str(rng.choice([10, 20, 30, 40, 50, 60, 90])),
    "kg": lambda rng: f"{rng.randint(480, 720) / 10:.1f}",
    "loss": lambda rng: f"{rng.randint(5, 40) / 10:.1f}",
    "hours": lambda rng: str(rng.randint(3, 6)),
    "days": lambda rng: str(rng.randint(2, 120)),
    "weeks": lambda rng: str(rng.randint(2, 12)),
    "liters": lambda rng: str(rng.choice([1, 2, 3])),
}


def fill(template: str, rng: random.Random, language: str = "ko", chosen=None) -> str:
    """The template with its slots filled; pass the same `chosen` dict to fill a sentence and
    its translation with the same words."""
    chosen = {} if chosen is None else chosen

    def word(match: re.Match) -> str:
        name, particle = match.groups()
        key = name.lower()
        if key not in chosen:
            if key in _BILINGUAL:
                chosen[key] = rng.choice(_BILINGUAL[key])
            elif key in _NUMBERS:
                chosen[key] = _NUMBERS[key](rng)
            elif key == "meaning":  # the meaning of the word in the same sentence
                chosen[key] = chosen.setdefault("word", rng.choice(VOCABULARY))
            else:
                chosen[key] = rng.choice(WORDS[key])
        value = chosen[key]
        if isinstance(value, tuple):
            # A looked-up word is English in both languages; its meaning is Korean.
            english = key == "word" or (language == "en" and key != "meaning")
            value = value[0] if english else value[1]
        if name[0].isupper():
            value = value[0].upper() + value[1:]
        return josa(value, particle) if particle else value

    return _SLOT.sub(word, template)


# --- assembled texts -----------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    template: str
    text: str
    html: str  # inline HTML as render_markdown gives it inside the paragraph
    plain: str
    terms: str


@dataclass(frozen=True)
class Text:
    """A text with what the site stores and indexes for it."""

    source: str
    html: str = ""
    plain: str = ""
    terms: str = ""


class Pieces:
    """Sentence pools, each distinct sentence rendered once; texts assembled from them."""

    def __init__(self, rng: random.Random, size: int, check_every: int = CHECK_EVERY):
        self.rng = rng
        self.check_every = check_every
        self.assembled = 0

        def pool(templates):
            sentences = []
            for _ in range(size):
                template = rng.choice(templates)
                sentences.append(self._sentence(template, fill(template, rng)))
            return sentences

        self.diary = pool(DIARY_SENTENCES)
        self.opinion = pool(OPINION_SENTENCES)
        self.summary = pool(SUMMARY_SENTENCES)
        self.closing = pool(CLOSING_SENTENCES)
        self.comment = [fill(rng.choice(COMMENTS), rng) for _ in range(max(size // 10, 20))]
        self.rare_sentences: dict[str, Sentence] = {}
        self.quotes = []  # (English, Korean) sentence pairs
        for _ in range(size * 2):
            chosen = {}
            english, korean = rng.choice(QUOTES)
            self.quotes.append(
                (
                    self._sentence(english, fill(english, rng, "en", chosen), markdown=False),
                    self._sentence(english, fill(korean, rng, "ko", chosen), markdown=False),
                )
            )

    @staticmethod
    def _sentence(template: str, value: str, markdown: bool = True) -> Sentence:
        if not markdown:
            return Sentence(template, value, "", "", search.index_terms(value))
        html = str(rendering.render_markdown(value))
        if not (html.startswith("<p>") and html.endswith("</p>\n")):
            raise RuntimeError(f"demo sentence is not one paragraph: {value!r}")
        plain = rendering.plain_text(value)
        return Sentence(template, value, html[3:-5], plain, search.index_terms(value))

    def rare(self) -> Sentence:
        """A sentence with a rare word, rendered the first time it comes up."""
        template = self.rng.choice(RARE_SENTENCES)
        value = fill(template, self.rng)
        if value not in self.rare_sentences:
            self.rare_sentences[value] = self._sentence(template, value)
        return self.rare_sentences[value]

    def pick(self, pool: list, count: int) -> list:
        """`count` items of the pool, no two from the same template when it can be helped."""
        picked, templates = [], set()
        for _ in range(count * 4):
            item = self.rng.choice(pool)
            template = (item[0] if isinstance(item, tuple) else item).template
            if template not in templates:
                picked.append(item)
                templates.add(template)
                if len(picked) == count:
                    break
        return picked

    def paragraphs(self, pool, count: int, lines: tuple[int, int]) -> list[list[Sentence]]:
        sentences = self.pick(pool, sum(self.rng.randint(*lines) for _ in range(count)))
        size = max(1, -(-len(sentences) // count))
        return [sentences[i : i + size] for i in range(0, len(sentences), size)]

    def markdown(self, paragraphs: list[list[Sentence]], line_breaks: bool = False) -> Text:
        """Paragraphs of sentences, one per line (`line_breaks`) or running on."""
        joiner, html_joiner = ("\n", "<br>\n") if line_breaks else (" ", " ")
        result = Text(
            "\n\n".join(joiner.join(s.text for s in p) for p in paragraphs),
            "".join("<p>" + html_joiner.join(s.html for s in p) + "</p>\n" for p in paragraphs),
            "\n".join(joiner.join(s.plain for s in p) for p in paragraphs),  # a line each
            " ".join(s.terms for p in paragraphs for s in p if s.terms),
        )
        self.assembled += 1
        if self.check_every and self.assembled % self.check_every == 1:
            check(result)
        return result

    def plain(self, sentences: list[Sentence]) -> Text:
        """Sentences of plain text on one line (quotes, translations: not Markdown)."""
        return Text(
            " ".join(s.text for s in sentences),
            terms=" ".join(s.terms for s in sentences if s.terms),
        )


def check(value: Text) -> None:
    """Fail loudly if an assembled text differs from what rendering and search would give."""
    expected = Text(
        value.source,
        str(rendering.render_markdown(value.source)),
        rendering.plain_text(value.source),
        search.index_terms(value.source),
    )
    if expected != value:
        raise RuntimeError(f"demo text assembled wrongly: {value!r} != {expected!r}")


# --- posts ---------------------------------------------------------------------------------


@dataclass
class Batch:
    """Rows for the tables, ready for bulk inserts."""

    posts: list[dict] = field(default_factory=list)
    commentaries: list[dict] = field(default_factory=list)
    blocks: list[dict] = field(default_factory=list)
    post_tags: list[dict] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)
    index: list[dict] = field(default_factory=list)


class Generator:
    def __init__(self, rng: random.Random, pieces: Pieces, tags: dict[str, int], ids: dict):
        self.rng = rng
        self.pieces = pieces
        self.tags = tags  # name -> id
        self.ids = ids  # next id per table
        self.owner_name = ""  # seed() sets the owner's display name

    def _next(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] += 1
        return value

    def _post_row(self, post_id, kind, title, body: Text, when, excerpt, minutes) -> dict:
        return {
            "id": post_id,
            "kind": kind,
            "title": title,
            # As Post.choose_address: an untitled entry by its opening words.
            "slug": slugify(title or rendering.opening_words(excerpt)[0]),
            "visibility": Visibility.PUBLIC,
            "published_at": when,
            "created_at": when,
            "updated_at": when,
            "version": 1,
            "body": body.source,
            "body_html": body.html,
            "excerpt": excerpt,
            "reading_minutes": minutes,
            "comments_enabled": True,
        }

    def _tags(self, batch: Batch, post_id: int, pool: list[str]) -> list[str]:
        names = sorted(set(self.rng.sample(pool, self.rng.randint(1, 4))))
        batch.post_tags += [{"post_id": post_id, "tag_id": self.tags[name]} for name in names]
        return names

    def _index(self, batch: Batch, post_id: int, when, parts, texts: dict[str, str]) -> None:
        """Rows as search.index_posts makes them; `texts` has the terms of the assembled texts."""
        batch.index += [
            {
                "post_id": post_id,
                "published_at": when,
                "position": position,
                "part": part,
                "content": value,
                "terms": texts[value] if value in texts else search.index_terms(value),
            }
            for position, (part, value) in enumerate(parts)
        ]

    def diary(self, batch: Batch, when: datetime) -> None:
        rng, pieces = self.rng, self.pieces
        post_id = self._next("post")
        title = "" if rng.random() < 0.1 else fill(rng.choice(DIARY_TITLES), rng)
        paragraphs = pieces.paragraphs(pieces.diary, rng.randint(1, 4), (1, 5))
        if rng.random() < RARE_SHARE:
            paragraphs.append([pieces.rare()])
        body = pieces.markdown(paragraphs, line_breaks=True)
        batch.posts.append(
            self._post_row(
                post_id,
                "diary",
                title,
                body,
                when,
                rendering.excerpt(body.plain),
                rendering.reading_minutes(body.plain),
            )
        )
        tags = self._tags(batch, post_id, DIARY_TAGS)
        texts = {body.source: body.terms}
        data = {"kind": "diary", "title": title, "tags": tags, "body": body.source}
        self._index(batch, post_id, when, schema.search_parts(data), texts)
        self._comments(batch, post_id, when, None)

    def commentary(self, batch: Batch, when: datetime) -> None:
        rng, pieces = self.rng, self.pieces
        post_id = self._next("post")
        chosen = {}
        title = fill(rng.choice(HEADLINES), rng, "en", chosen)
        lead = pieces.plain(
            [english for english, _ in pieces.pick(pieces.quotes, rng.randint(1, 2))]
        )
        if rng.random() < 0.3:
            lead = Text("")
        blocks, texts, block_ids = [], {lead.source: lead.terms}, []
        for position in range(rng.randint(3, 10)):
            pairs = pieces.pick(pieces.quotes, rng.choices((1, 2, 3), (5, 3, 1))[0])
            quote = pieces.plain([english for english, _ in pairs])
            translation = pieces.plain([korean for _, korean in pairs])
            if rng.random() < 0.05:
                translation = Text("")
            opinion = Text("")
            if rng.random() < 0.9:
                opinion = pieces.markdown(
                    pieces.paragraphs(pieces.opinion, rng.randint(1, 2), (1, 3))
                )
            block_id = self._next("block")
            block_ids.append(block_id)
            batch.blocks.append(
                {
                    "id": block_id,
                    "commentary_id": post_id,
                    "position": position,
                    "quote": quote.source,
                    "translation": translation.source,
                    "opinion": opinion.source,
                    "opinion_html": opinion.html,
                }
            )
            blocks.append((quote, translation, opinion))
            for part in (quote, translation, opinion):
                texts[part.source] = part.terms
        summary = pieces.markdown(pieces.paragraphs(pieces.summary, rng.randint(1, 2), (2, 4)))
        closing = Text("")
        if rng.random() < 0.4:
            closing = pieces.markdown(pieces.paragraphs(pieces.closing, 1, (1, 2)))
        texts |= {summary.source: summary.terms, closing.source: closing.terms}
        # As Commentary.plain_text and refresh_summary_fields put it together.
        plain = [title, lead.source]
        for quote, translation, opinion in blocks:
            plain += [quote.source, translation.source, opinion.plain]
        plain += [summary.plain, closing.plain]
        excerpt_source = summary.plain or blocks[0][1].source or blocks[0][0].source
        batch.posts.append(
            self._post_row(
                post_id,
                "commentary",
                title,
                summary,
                when,
                rendering.excerpt(excerpt_source),
                rendering.reading_minutes("\n".join(part for part in plain if part)),
            )
        )
        outlet = rng.choice(OUTLETS)
        batch.commentaries.append(
            {
                "id": post_id,
                "outlet": outlet,
                "source_url": f"https://www.example.com/{slugify(outlet)}/"
                f"{when:%Y/%m/%d}/{slugify(title)}",
                "author": rng.choice(AUTHORS),
                "published_on": (when - timedelta(days=rng.randint(0, 3))).date(),
                "lead": lead.source,
                "closing": closing.source,
                "closing_html": closing.html,
            }
        )
        tags = self._tags(batch, post_id, COMMENTARY_TAGS)
        data = {
            "kind": "commentary",
            "title": title,
            "tags": tags,
            "lead": lead.source,
            "blocks": [
                {"quote": q.source, "translation": t.source, "opinion": o.source}
                for q, t, o in blocks
            ],
            "body": summary.source,
            "closing": closing.source,
        }
        parts = schema.search_parts(data)
        self._index(batch, post_id, when, parts, texts)
        self._comments(batch, post_id, when, block_ids)

    def _comments(self, batch: Batch, post_id: int, when: datetime, block_ids) -> None:
        rng = self.rng
        if rng.random() >= COMMENTED_SHARE:
            return
        moment = when
        for _ in range(rng.randint(1, 3)):
            moment += timedelta(minutes=rng.randint(5, 60 * 24 * 3))
            comment_id = self._next("comment")
            block_id = rng.choice(block_ids) if block_ids and rng.random() < 0.3 else None
            batch.comments.append(
                self._comment(comment_id, post_id, rng.choice(NAMES), moment, block_id=block_id)
            )
            if rng.random() < 0.4:
                moment += timedelta(minutes=rng.randint(5, 600))
                reply = self._comment(
                    self._next("comment"), post_id, self.owner_name, moment, parent_id=comment_id
                )
                reply["body"] = rng.choice(REPLIES)
                reply["body_html"] = str(rendering.render_comment(reply["body"]))
                reply["by_owner"] = True
                batch.comments.append(reply)

    def _comment(self, comment_id, post_id, name, moment, block_id=None, parent_id=None) -> dict:
        body = self.rng.choice(self.pieces.comment)
        return {
            "id": comment_id,
            "post_id": post_id,
            "block_id": block_id,
            "parent_id": parent_id,
            "name": name,
            "body": body,
            "body_html": str(rendering.render_comment(body)),
            "status": CommentStatus.APPROVED,
            "secret": False,
            "by_owner": False,
            "created_at": min(moment, datetime.now(UTC)),
            "address_hash": None,
        }


# --- writing -------------------------------------------------------------------------------


class SiteNotEmpty(Exception):
    """The site has posts already and appending was not asked for."""


@dataclass
class Seeded:
    posts: int
    diary: int
    commentary: int
    blocks: int
    comments: int


def _next_ids() -> dict[str, int]:
    ids = {}
    for name, column in (("post", Post.id), ("block", Block.id), ("comment", Comment.id)):
        ids[name] = (db.session.scalar(select(func.max(column))) or 0) + 1
    return ids


def _ensure_tags() -> dict[str, int]:
    """Ids of the demo tags, creating those the site does not have (a tag is its key)."""
    wanted = {tag_key(name): name for name in DIARY_TAGS + COMMENTARY_TAGS}
    existing = dict(db.session.execute(select(Tag.key, Tag.id)).all())
    missing = [{"name": name, "key": key} for key, name in wanted.items() if key not in existing]
    if missing:
        db.session.execute(insert(Tag), missing)
        existing = dict(db.session.execute(select(Tag.key, Tag.id)).all())
    return {name: existing[key] for key, name in wanted.items()}


def _write(batch: Batch) -> None:
    session = db.session
    session.execute(insert(Post.__table__), batch.posts)
    if batch.commentaries:
        session.execute(insert(Commentary.__table__), batch.commentaries)
    if batch.blocks:
        session.execute(insert(Block.__table__), batch.blocks)
    if batch.post_tags:
        session.execute(insert(post_tag), batch.post_tags)
    # Parents first: replies point at the comment they answer.
    for rows in (
        [c for c in batch.comments if not c["parent_id"]],
        [c for c in batch.comments if c["parent_id"]],
    ):
        if rows:
            session.execute(insert(Comment.__table__), rows)
    search.index_rows(batch.index)


def _advance_sequences() -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids do not move."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("post", "block", "comment", "tag"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )


def seed(
    n: int, seed: int = 1, append: bool = False, progress=None, now: datetime | None = None
) -> Seeded:
    """Add `n` public posts, about half diary and half commentary, published over the last
    years; commits in batches. Refuses (SiteNotEmpty) if the site has posts, unless `append`."""
    if not append and db.session.scalar(select(func.count(Post.id))):
        raise SiteNotEmpty("The site has posts already.")
    rng = random.Random(seed)
    pieces = Pieces(rng, size=min(4000, max(30, n // 8)))
    generator = Generator(rng, pieces, _ensure_tags(), _next_ids())
    # Replies are signed as the owner's replies are: the display name, never the login name.
    generator.owner_name = current_app.config["OWNER_DISPLAY_NAME"]
    end = (now or datetime.now(UTC)).replace(second=0, microsecond=0) - timedelta(hours=1)
    span = timedelta(days=365 * YEARS).total_seconds()
    # Sorted, so post ids follow publication dates as they do on a real site.
    offsets = sorted((rng.random() * span for _ in range(n)), reverse=True)
    counts = Seeded(0, 0, 0, 0, 0)
    for start in range(0, n, BATCH_SIZE):
        batch = Batch()
        for offset in offsets[start : start + BATCH_SIZE]:
            when = end - timedelta(seconds=math.floor(offset))
            if rng.random() < 0.5:
                generator.diary(batch, when)
                counts.diary += 1
            else:
                generator.commentary(batch, when)
                counts.commentary += 1
        _write(batch)
        counts.posts += len(batch.posts)
        counts.blocks += len(batch.blocks)
        counts.comments += len(batch.comments)
        db.session.commit()
        if progress:
            progress(counts.posts)
    _advance_sequences()
    # Bulk inserts pass by the save path: tell the page cache here.
    pagecache.content_changed()
    search.optimize()
    db.session.commit()
    return counts
