"""The demo council's corporate plan, services and people (all names are fictional)."""

from __future__ import annotations

from dataclasses import dataclass

PRIORITIES: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "Meeting housing needs",
        "More affordable homes, fewer people homeless, and council homes that are well managed.",
    ),
    (
        2,
        "Stronger communities",
        "Safe, active and inclusive neighbourhoods where people take part in city life.",
    ),
    (
        3,
        "A vibrant economy",
        "A city centre and local businesses that thrive, with jobs and skills for residents.",
    ),
    (
        4,
        "A cleaner greener city",
        "Clean streets, more recycling, lower carbon emissions and well-kept parks.",
    ),
    (
        5,
        "An efficient and effective council",
        "Value for money, excellent customer service and a skilled, healthy workforce.",
    ),
)


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    job_title: str
    corporate_role: str = ""


@dataclass(frozen=True)
class ServiceDef:
    code: str
    name: str
    description: str
    system: str  # the source system its figures come from
    head: tuple[str, str]
    officer: tuple[str, str, str]  # first name, last name, job title
    is_support: bool = False

    @property
    def people(self) -> tuple[Person, Person]:
        first, last = self.head
        head = Person(f"{self.code}-head", first, last, f"Head of {self.name}")
        first, last, title = self.officer
        return head, Person(f"{self.code}-officer", first, last, title)


CORPORATE_PEOPLE: tuple[Person, ...] = (
    Person("performance", "Priya", "Raman", "Performance Improvement Manager", "performance"),
    Person("cmt", "Jonathan", "Mercer", "Chief Executive", "cmt"),
    Person("ceb", "Helen", "Okafor", "Leader of the Council (Councillor)", "ceb"),
    Person(
        "scrutiny", "Gareth", "Lloyd", "Chair of the Scrutiny Committee (Councillor)", "scrutiny"
    ),
    Person("member", "Amira", "Shah", "Councillor for Carfax and Jericho", "member"),
)

# Front-line services first; support services (finance, HR, ICT, legal) serve the council itself.
# Customer services faces residents, so it runs customer surveys rather than an internal one.
# fmt: off
SERVICES: tuple[ServiceDef, ...] = (
    ServiceDef(
        "housing", "Housing Services",
        "Housing needs and homelessness, the housing register, and the council's own homes.",
        "Northgate Housing", ("Rachel", "Adeyemi"),
        ("Tom", "Barker", "Housing Performance Officer"),
    ),
    ServiceDef(
        "waste", "Waste and Recycling",
        "Household and trade waste collection, recycling, street cleansing and fly-tipping.",
        "Bartec Collective", ("Ian", "Whitfield"), ("Sana", "Iqbal", "Waste Data Officer"),
    ),
    ServiceDef(
        "planning", "Planning Services",
        "Development management, planning enforcement, building control and tree protection.",
        "Idox Uniform", ("Fiona", "Marsh"), ("Daniel", "Kowalski", "Planning Systems Officer"),
    ),
    ServiceDef(
        "revenues", "Revenues",
        "Council tax and business rates billing, collection and recovery.",
        "Civica OpenRevenues", ("Neil", "Chapman"), ("Amira", "Haddad", "Revenues Analyst"),
    ),
    ServiceDef(
        "benefits", "Benefits",
        "Housing Benefit, Council Tax Reduction and Discretionary Housing Payments.",
        "Civica OpenRevenues", ("Joanne", "Pritchard"), ("Kwame", "Boateng", "Benefits Analyst"),
    ),
    ServiceDef(
        "customer-services", "Customer Services",
        "The contact centre, the customer service centre, complaints and the council website.",
        "Netcall contact centre and CRM", ("Sarah", "Quinn"),
        ("Lewis", "Grant", "Customer Insight Officer"),
    ),
    ServiceDef(
        "finance", "Financial Services",
        "Budget setting and monitoring, accounts payable and receivable, procurement.",
        "Unit4 ERP", ("Andrew", "Holloway"), ("Mei", "Chen", "Finance Systems Accountant"),
        is_support=True,
    ),
    ServiceDef(
        "hr", "Human Resources",
        "Recruitment, payroll, sickness absence, learning and organisational development.",
        "iTrent HR and payroll", ("Claire", "Donnelly"),
        ("Ravi", "Patel", "HR Information Officer"),
        is_support=True,
    ),
    ServiceDef(
        "ict", "ICT",
        "The service desk, business systems, the network, cyber security and the website.",
        "ServiceNow", ("Mark", "Sullivan"), ("Leah", "Fisher", "ICT Service Analyst"),
        is_support=True,
    ),
    ServiceDef(
        "legal", "Law and Governance",
        "Legal advice, property and contracts, information governance, committees and elections.",
        "Iken case management", ("Elizabeth", "Harding"), ("Owen", "Price", "Governance Officer"),
        is_support=True,
    ),
    ServiceDef(
        "leisure", "Leisure and Culture",
        "Leisure centres and pools (through the leisure contract), the museum and the Town Hall.",
        "Gladstone Plus", ("Simon", "Carter"), ("Hannah", "Wood", "Leisure Contract Officer"),
    ),
    ServiceDef(
        "parks", "Parks and Open Spaces",
        "Parks, play areas, allotments, trees, nature reserves and cemeteries.",
        "Confirm asset management", ("Graham", "Lowe"),
        ("Chloe", "Nash", "Parks Technical Officer"),
    ),
    ServiceDef(
        "community", "Communities and Neighbourhoods",
        "Community centres, youth ambition, grants, community safety and anti-social behaviour.",
        "Community services case system", ("Aisha", "Mensah"),
        ("Ben", "Hughes", "Community Safety Analyst"),
    ),
    ServiceDef(
        "environmental-health", "Environmental Health",
        "Food safety, HMO licensing, noise, air quality, pest control and licensing.",
        "Idox Uniform (regulatory)", ("Paul", "Redfern"),
        ("Zainab", "Ali", "Regulatory Services Officer"),
    ),
    ServiceDef(
        "economic-development", "Economic Development",
        "Business support, the city centre, the Covered Market, commercial property and car parks.",
        "Property and car park management systems", ("Victoria", "Blake"),
        ("Sam", "Osei", "Economic Data Officer"),
    ),
)
# fmt: on
