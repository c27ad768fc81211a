"""The names, places, companies and phrases the demo network is drawn from, their weights, and
`_fill`, which puts random words into a phrase's placeholders."""

import random

from contacts.models import Circle, Discipline, EventKind, Tier

from ..models import Direction, SupportKind

FIRST_NAMES = (
    "Aisha Alejandro Amara Anders Ana Arjun Beatriz Bjorn Camille Carlos Chen Chloe Daniel Dario "
    "Deepa Diego Elena Emeka Emma Erik Farah Fatima Felix Freya Gabriel Grace Hana Hassan Ines "
    "Isabel Ivan Jamal Jana Javier Jin Jonas Julia Kai Kamala Kenji Laila Lars Leah Liam Lucia "
    "Malik Maria Mateo Maya Mei Miguel Mira Nadia Naomi Niamh Nikhil Noah Olga Omar Oskar Priya "
    "Rafael Rania Ravi Rosa Sakura Samir Sara Sean Sofia Sunita Tariq Tomas Valentina Wei Yara "
    "Yusuf Zanele Zoe"
).split()
LAST_NAMES = (
    "Abara Adeyemi Andersson Bauer Becker Bianchi Castillo Chen Costa Dubois Eriksen Fernandes "
    "Fischer Garcia Gupta Haddad Hansen Hoffmann Ibrahim Ito Jansen Kaur Kim Kowalski Kumar "
    "Larsen Lee Lindqvist Lopez Martin Mehta Moreau Murphy Nakamura Nguyen Novak Okafor "
    "Oliveira Osei Park Patel Petrov Popescu Quinn Rahman Reyes Rossi Sato Schmidt Silva Singh "
    "Sokolova Suzuki Tanaka Torres Varga Wagner Walsh Wang Weber Williams Yilmaz Zhang Zielinski"
).split()
PLACES = (
    ("Berlin", "Europe/Berlin"), ("London", "Europe/London"), ("Lisbon", "Europe/Lisbon"),
    ("Amsterdam", "Europe/Amsterdam"), ("Stockholm", "Europe/Stockholm"), ("Warsaw", "Europe/Warsaw"),
    ("New York", "America/New_York"), ("San Francisco", "America/Los_Angeles"),
    ("Toronto", "America/Toronto"), ("São Paulo", "America/Sao_Paulo"), ("Lagos", "Africa/Lagos"),
    ("Nairobi", "Africa/Nairobi"), ("Bengaluru", "Asia/Kolkata"), ("Singapore", "Asia/Singapore"),
    ("Tokyo", "Asia/Tokyo"), ("Sydney", "Australia/Sydney"),
)
PEER_COMPANIES = (
    "Brightwave", "Kestrel Systems", "Lumen Analytics", "Parcelworks", "Tidepool Health",
    "Copperline", "Quillstack", "Meridian Pay", "Fernhill Software", "Skylark Robotics",
    "Bluefin Data", "Pinecrest Cloud", "Orbital Foods", "Harbor & Finch",
)
OUTSIDE = (  # company, title, discipline
    ("St. Mary's Hospital", "Physician", Discipline.OTHER),
    ("Riverside High School", "Maths teacher", Discipline.OTHER),
    ("Greenleaf Architects", "Architect", Discipline.DESIGN),
    ("City Library", "Head librarian", Discipline.OPERATIONS),
    ("Hartmann & Cole LLP", "Employment lawyer", Discipline.OTHER),
    ("Blue Door Bakery", "Owner", Discipline.LEADERSHIP),
    ("Municipal Transit Authority", "Urban planner", Discipline.OPERATIONS),
    ("Northside Climbing Gym", "Head coach", Discipline.PEOPLE),
)
TITLES = {
    Discipline.ENGINEERING: ("Senior Software Engineer", "Staff Engineer", "Principal Engineer",
                             "Engineering Manager", "Site Reliability Engineer", "Mobile Engineer"),
    Discipline.PRODUCT: ("Product Manager", "Senior Product Manager", "Group Product Manager"),
    Discipline.DESIGN: ("Product Designer", "UX Researcher", "Design Systems Lead"),
    Discipline.DATA: ("Data Scientist", "Analytics Engineer", "ML Engineer", "Head of Data"),
    Discipline.LEADERSHIP: ("Director of Engineering", "VP Engineering", "CTO", "Co-founder & CEO"),
    Discipline.OPERATIONS: ("Technical Program Manager", "Chief of Staff", "Head of Operations"),
    Discipline.SALES_MARKETING: ("Developer Advocate", "Solutions Engineer", "Product Marketing Manager"),
    Discipline.PEOPLE: ("Technical Recruiter", "People Partner", "Head of Talent"),
    Discipline.OTHER: ("Legal counsel", "Finance business partner", "Leadership coach"),
}
DEPARTMENTS = {
    Discipline.ENGINEERING: ("Payments", "Mobile", "Data Platform", "Growth", "Infrastructure", "Security"),
    Discipline.PRODUCT: ("Product",), Discipline.DESIGN: ("Design",), Discipline.DATA: ("Data & Analytics",),
    Discipline.LEADERSHIP: ("Engineering leadership", "Executive team"),
    Discipline.OPERATIONS: ("Operations",), Discipline.SALES_MARKETING: ("Sales", "Marketing"),
    Discipline.PEOPLE: ("People",), Discipline.OTHER: ("Finance", "Legal"),
}
COMMUNITIES = ("Rust Berlin", "PyData", "LeadDev", "Women in Tech Network", "Django", "Kubernetes")
TOPICS = (
    "hiring loops", "on-call", "the platform roadmap", "career growth", "the reorg", "OKRs",
    "incident reviews", "tech debt", "Rust", "observability", "design reviews", "data contracts",
    "staff promotions", "remote rituals", "LLM tooling", "budget planning", "their conference talk",
)
WORK = (  # what they are working on, why it matters to them
    ("Migrating the monolith to services", "Wants teams to ship without waiting on the release train"),
    ("Building an on-call rotation that does not burn people out", "Lost two engineers to burnout last year"),
    ("Preparing a staff engineer promotion packet", "Wants cross-team work to count"),
    ("Hiring the first data team", "The company decides too much on gut feeling"),
    ("Launching a design system", "Five product teams, five shades of blue"),
    ("Writing a book on engineering management", "Give back what they learned the hard way"),
    ("Moving from IC to manager", "Wants to grow people, not just systems"),
    ("Raising a seed round", "Nine months of runway left"),
    ("Rolling out an LLM support assistant", "The support queue doubled this year"),
    ("Cutting cloud costs by a third", "The CFO asked for it by Q3"),
    ("Giving their first conference talk", "Build visibility outside the company"),
    ("Splitting into platform and product teams", "Too many teams block each other"),
    ("Making incident reviews blameless", "The same outages keep coming back"),
    ("Learning Rust", "Wants to move into systems programming"),
    ("Building a developer portal", "New hires take three weeks to ship"),
    ("Keeping the local meetup alive", "The community got them their first job"),
    ("Switching careers into product", "Wants to be closer to customers"),
)
HOW_WE_MET = {
    Circle.SAME_TEAM: ("Joined the team in {year}", "Onboarded them when they joined",
                       "Paired on the {topic} work"),
    Circle.SAME_COMPANY: ("Worked together on an incident review", "Met at the planning offsite",
                          "Same new-manager cohort", "Sat next to each other at the all-hands"),
    Circle.INDUSTRY_PEER: ("Former colleague at {company}", "Met on a panel about {topic}",
                           "Wrote to them after their blog post on {topic}"),
    Circle.COMMUNITY: ("Answered each other's questions in the {community} Slack",
                       "Co-organised a {community} meetup", "Reviewed their pull request to {community}"),
    Circle.OUTSIDE_TECH: ("Neighbours", "Our kids go to the same school", "Same climbing gym",
                          "Friend from university"),
}
TAGS = ("hiring", "mentor", "ex-colleague", "speaker", "rust", "python", "staff-track",
        "founder", "open-source", "remote", "book-club", "ai")
EVENTS = (  # name, kind, days from today, length in days, place
    ("LeadDev London", EventKind.CONFERENCE, -200, 2, "London"),
    ("StaffPlus New York", EventKind.CONFERENCE, 45, 2, "New York"),
    ("Platform Engineering Meetup", EventKind.MEETUP, -40, 1, "Berlin"),
    ("Engineering all-hands and hack week", EventKind.INTERNAL, -12, 5, "Head office"),
    ("Rust Berlin meetup", EventKind.MEETUP, 9, 1, "Berlin"),
    ("Managers' workshop on feedback", EventKind.WORKSHOP, -110, 1, "Online"),
)
KINDS_BY_CIRCLE = {  # kind: weight
    Circle.SAME_TEAM: {"message": 4, "video": 2, "call": 1, "coffee": 2, "code_review": 3, "other": 0.5},
    Circle.SAME_COMPANY: {"message": 3, "coffee": 3, "video": 2, "call": 1, "email": 1},
    Circle.INDUSTRY_PEER: {"coffee": 2, "video": 3, "message": 2, "email": 2, "call": 1, "event": 1},
    Circle.COMMUNITY: {"community": 4, "message": 2, "event": 2, "video": 1, "code_review": 1},
    Circle.OUTSIDE_TECH: {"coffee": 3, "message": 3, "call": 2, "other": 1},
}
SUMMARIES = {
    "coffee": ("Coffee catch-up", "Lunch near the office", "Coffee about {topic}"),
    "call": ("Call about {topic}", "Quick call to catch up"),
    "video": ("Video call: {topic}", "Video catch-up"),
    "message": ("Slack thread on {topic}", "Congratulated them on the launch",
                "Shared an article on {topic}", "Quick question on {topic}"),
    "email": ("Email about {topic}", "Sent notes from our chat"),
    "event": ("Bumped into them at a meetup", "Chatted after a talk on {topic}"),
    "community": ("Answered their forum question on {topic}", "Commented on their post about {topic}"),
    "code_review": ("Reviewed their pull request on {topic}", "Reviewed the {topic} RFC"),
    "mentoring": ("Mentoring session: {topic}",),
    "other": ("Walk after the offsite", "Birthday message"),
}
NOTES = (
    "", "", "", "They mentioned {topic} is on their mind.", "Asked how our team handles {topic}.",
    "Good energy; excited about the new role.", "Wants to compare notes on {topic} again soon.",
)
PROMISES = ("Send the article on {topic}", "Share our {topic} doc", "Check in on how {topic} went")
DOCS = ("design doc", "promotion packet", "conference talk", "CV", "RFC", "blog post draft")
SUPPORT_TEXT = {
    (Direction.GIVE, SupportKind.KNOWLEDGE): "Shared an article on {topic}",
    (Direction.GIVE, SupportKind.HELP): "Offered to help with {topic}",
    (Direction.GIVE, SupportKind.REVIEW): "Reviewed their {doc}",
    (Direction.GIVE, SupportKind.SOUNDING_BOARD): "Sounding board on {topic}",
    (Direction.GIVE, SupportKind.INTRO): "Introduced them to {other}",
    (Direction.GIVE, SupportKind.AMPLIFY): "Shared their talk on LinkedIn",
    (Direction.GIVE, SupportKind.MENTORING): "Mentoring on {topic}",
    (Direction.GIVE, SupportKind.REFERRAL): "Referred them for a role at {company}",
    (Direction.RECEIVED, SupportKind.REVIEW): "They reviewed my {doc}",
    (Direction.RECEIVED, SupportKind.KNOWLEDGE): "They shared their playbook on {topic}",
    (Direction.RECEIVED, SupportKind.REFERRAL): "They recommended me as a speaker",
    (Direction.RECEIVED, SupportKind.SOUNDING_BOARD): "They were a sounding board on {topic}",
    (Direction.ASK, SupportKind.REVIEW): "Asked for feedback on my {doc}",
    (Direction.ASK, SupportKind.HELP): "Asked for advice on {topic}",
    (Direction.ASK, SupportKind.REFERRAL): "Asked them to share our job post",
}
CIRCLE_WEIGHTS = {Circle.SAME_TEAM: 10, Circle.SAME_COMPANY: 25, Circle.INDUSTRY_PEER: 30,
                  Circle.COMMUNITY: 20, Circle.OUTSIDE_TECH: 15}
DISCIPLINE_WEIGHTS = {Discipline.ENGINEERING: 35, Discipline.PRODUCT: 12, Discipline.DESIGN: 8,
                      Discipline.DATA: 10, Discipline.LEADERSHIP: 12, Discipline.OPERATIONS: 6,
                      Discipline.SALES_MARKETING: 6, Discipline.PEOPLE: 6, Discipline.OTHER: 5}
TIER_WEIGHTS = {Tier.CLOSE: 10, Tier.PEER: 25, Tier.NETWORK: 50, Tier.DORMANT: 15}
# How often each tier is touched, and how recent its touches lean (<1 leans older).
TOUCH_WEIGHT = {Tier.CLOSE: 8.0, Tier.PEER: 4.0, Tier.NETWORK: 1.5, Tier.DORMANT: 0.4}
RECENCY = {Tier.CLOSE: 1.4, Tier.PEER: 1.1, Tier.NETWORK: 1.0, Tier.DORMANT: 0.5}


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


_PLACEHOLDERS = {"topic": TOPICS, "doc": DOCS, "company": PEER_COMPANIES, "community": COMMUNITIES}


class _Choices(dict):
    """Template values drawn only for the placeholders a template uses (it is called 200,000
    times for a benchmark network)."""

    def __init__(self, rng, extra):
        super().__init__(extra)
        self.rng = rng

    def __missing__(self, key):
        return self.rng.choice(_PLACEHOLDERS[key])


def _fill(rng: random.Random, template: str, **extra) -> str:
    return template.format_map(_Choices(rng, extra)) if "{" in template else template
