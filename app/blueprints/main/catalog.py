"""The division's services, as data: the home page, the directory and the guidance pages.

Each service has a one-line summary and a guidance page (/services/<slug>): what it is,
when to use it, whom to call. Where a feature provides a self-service form, its `actions`
name the endpoint. Emergency services put the emergency number first, then what to do
meanwhile.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Action:
    """A link to a self-service page of another feature."""

    label: str
    endpoint: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Service:
    slug: str
    name: str
    summary: str
    group: str
    about: str
    when: tuple[str, ...]
    contact: str = "dispatch"  # "emergency", "dispatch" or "advocacy"
    actions: tuple[Action, ...] = ()
    emergency: bool = False
    # Urgent help that is not an emergency-group service: the page still puts "call now"
    # first, then the form for what can wait (eloped patients, unauthorized persons).
    call_first: bool = False
    meanwhile_title: str = "While help is on the way"
    meanwhile: tuple[str, ...] = ()


GROUPS = (
    ("emergency", "Emergencies: call first"),
    ("help", "Ask for help"),
    ("protect", "Protect people and property"),
    ("outreach", "Training and outreach"),
    ("division", "How we keep the campus safe"),
)

ESCORT = Action("Request an escort", "escorts.new")
VIRTUAL_WALK = Action("Start a virtual walk (safety timer)", "walks.start")
REPORT = Action("Report a concern", "reports.start")
SERVICE_REQUEST = Action("Ask for this service", "outreach.request_form")
STANDBY = Action("Book a patient standby", "units.request_form", {"slug": "standby"})
ELOPEMENT_WATCH = Action("Ask for an elopement-risk watch", "units.request_form",
                         {"slug": "elopement-watch"})
UNIT_CONSULT = Action("Ask for a unit security consult", "units.request_form",
                      {"slug": "consult"})
VALUABLES = Action("Ask for a valuables pickup", "units.request_form", {"slug": "valuables"})

SERVICES: tuple[Service, ...] = (
    # Emergencies: the number first, then what to do meanwhile.
    Service(
        "code-blue", "Code Blue (medical assistance) response",
        "Someone has collapsed, stopped breathing or needs urgent medical help.", "emergency",
        "Officers respond to every Code Blue on campus to clear a path for the medical team, "
        "guide them to the exact spot and keep the area calm and private.",
        ("A person is unresponsive, not breathing normally, or has collapsed.",
         "Anyone anywhere on campus, including car parks and grounds."),
        contact="emergency", emergency=True,
        meanwhile=("Say \"Code Blue\" and give the exact place: building, floor, room or "
                   "landmark.",
                   "If you are trained, start CPR. Send someone for the nearest AED "
                   "(defibrillator) and switch it on: it tells you what to do.",
                   "Do not move the person unless they are in danger where they are.",
                   "Send someone to meet the team at the nearest entrance or lift and keep the "
                   "way clear."),
    ),
    Service(
        "code-red", "Code Red (fire alarm) response",
        "Fire, smoke or a burning smell, or a fire alarm sounding.", "emergency",
        "Officers respond to every fire alarm: they meet the fire service, control the "
        "building's entrances and help move patients and visitors to safety.",
        ("You see fire or smoke, or smell burning.", "A fire alarm is sounding near you."),
        contact="emergency", emergency=True,
        meanwhile_title="Remember RACE, and PASS for an extinguisher",
        meanwhile=("Rescue: move anyone in immediate danger away from the fire.",
                   "Alarm: pull the nearest fire alarm and call.",
                   "Contain: close doors and windows behind you to hold back smoke.",
                   "Extinguish if the fire is small and you are trained, otherwise Evacuate: "
                   "use the stairs, never the lifts.",
                   "Using an extinguisher, PASS: Pull the pin, Aim at the base of the fire, "
                   "Squeeze the handle, Sweep from side to side."),
    ),
    Service(
        "active-shooter", "Armed intruder / active shooter response",
        "Someone is armed, shooting or threatening to kill on campus.", "emergency",
        "Armed intruders are the division's highest priority: officers go straight to the "
        "threat, lock down affected areas and guide police from outside agencies.",
        ("You see or hear gunfire, or a person with a weapon who is threatening people.",),
        contact="emergency", emergency=True,
        meanwhile_title="Run, Hide, Fight",
        meanwhile=("Run: if there is a safe way out, get out. Leave your belongings. Help "
                   "others if you can, but do not wait for them.",
                   "Hide: if you cannot get out, lock or barricade the door, turn off lights, "
                   "silence your phone and stay out of sight.",
                   "Fight: only as a last resort, when your life is in danger, act with as much "
                   "force as you can to stop the attacker.",
                   "Call when it is safe to do so: say where the attacker is, how many, what "
                   "they look like and what weapons you saw.",
                   "When police arrive, keep your hands empty and visible and follow their "
                   "instructions."),
    ),
    Service(
        "child-abduction", "Child/infant abduction response (Code Pink)",
        "A baby or child is missing, or someone may be taking one.", "emergency",
        "When a baby or child may have been taken, officers secure the exits, search the "
        "campus and work with local police. Every minute counts.",
        ("A baby or child is missing from a room, ward or waiting area.",
         "You see someone carrying a baby or a large bag out in a hurry, or an infant "
         "security tag alarm sounds."),
        contact="emergency", emergency=True,
        meanwhile=("Say \"Code Pink\", where the child was last seen, and describe the child "
                   "and anyone with them.",
                   "Watch the nearest exits, stairwells and lifts. Note anyone carrying a baby, "
                   "a bag or a large parcel.",
                   "Do not physically stop anyone. Note what they look like, which way they "
                   "went and any vehicle and number plate, and report it.",
                   "Staff: follow your unit's Code Pink plan and check your area."),
        # After the call: an infant tag alarm follow-up or a unit's risk can wait for a consult.
        actions=(UNIT_CONSULT,),
    ),
    Service(
        "hazardous-materials", "Response to incidents involving hazardous materials",
        "A chemical spill, gas leak, unknown substance or dangerous fumes.", "emergency",
        "Officers isolate the area, keep people away and bring in the hospital's "
        "hazardous-materials team and the fire service.",
        ("A spill of a chemical, drug or biological material you cannot clean up safely.",
         "You smell gas or fumes, or people nearby feel unwell for no clear reason."),
        contact="emergency", emergency=True,
        meanwhile=("Leave the area and keep others out. Close doors behind you if you can.",
                   "Do not touch, smell, taste or try to clean up the material.",
                   "If it touched you, remove contaminated clothing and rinse with water.",
                   "Stay upwind and nearby so you can tell responders what you saw."),
    ),
    Service(
        "emergency-response", "Emergency response",
        "Any crime in progress, violence, or danger to someone's life.", "emergency",
        "Officers are on duty 24 hours a day and respond to every emergency on hospital "
        "property, including fights, assaults, threats and crimes in progress.",
        ("Someone is in danger now.", "A crime is happening now.",
         "Anything else that cannot wait."),
        contact="emergency", emergency=True,
        meanwhile=("Say what is happening and exactly where.",
                   "Stay on the line if you safely can: the call taker may need more detail.",
                   "Keep yourself safe. Do not confront anyone.",
                   "If you can, send someone to meet the officers and guide them in."),
    ),
    # Asking for help.
    Service(
        "escorts", "Personnel escorts",
        "An officer walks with you to your car, a bus stop or another building.", "help",
        "Any employee, patient or visitor can ask for an officer to walk with them on campus, "
        "now or at a time you choose, including regular escorts after a late shift.",
        ("You feel unsafe walking alone, especially at night.",
         "You are carrying valuables or have a mobility need."),
        actions=(ESCORT, VIRTUAL_WALK),
    ),
    Service(
        "suspicious-activity", "Response to reports of suspicious individuals, packages or "
        "substances",
        "Tell us about a person, package or substance that seems out of place.", "help",
        "Officers check every report. You can report online, with photos, and stay anonymous "
        "if you prefer.",
        ("A bag or parcel left unattended.", "Someone trying doors or acting oddly.",
         "A powder, liquid or smell you cannot explain. If anyone is in danger, call "
         "the emergency number instead."),
        actions=(REPORT,),
    ),
    Service(
        "unauthorized-persons", "Removal of unauthorized persons",
        "Someone is where they should not be, or refuses to leave.", "help",
        "Officers ask people without a reason to be in a restricted or closed area to leave, "
        "and enforce trespass warnings where needed.",
        ("A stranger in a staff-only area, or someone refusing to leave after visiting hours.",
         "Someone who threatens or frightens people: call now, do not use a form."),
        call_first=True,
        actions=(Action("Report an unauthorized person", "reports.report",
                        {"category": "unauthorized_person"}), UNIT_CONSULT),
    ),
    Service(
        "domestic-violence", "Domestic violence assistance",
        "Confidential help and safety planning from a trained advocate.", "help",
        "Advocates offer confidential support to anyone affected by domestic violence: safety "
        "planning, a safe way to keep in touch, escorts and referrals. Only advocates see "
        "what you tell us.",
        ("You or someone you know is being hurt, threatened or controlled by a partner or "
         "family member.",),
        contact="advocacy",
        actions=(Action("Get confidential help", "support.start"),),
    ),
    Service(
        "patient-valuables", "Patient valuables assistance",
        "Safe keeping of a patient's money, jewellery and other valuables.", "help",
        "Officers collect, record and store patients' valuables in the security safe, and "
        "return them on discharge.",
        ("A patient is admitted with cash, jewellery or other valuables they cannot keep "
         "with them.", "Unit staff: ask for a pickup from the unit, or a return on discharge."),
        actions=(VALUABLES,),
    ),
    Service(
        "eloped-patients", "Eloped patient searches",
        "Searching for a patient who has left care without being discharged.", "help",
        "When a patient at risk leaves a unit, officers search the campus with the care team "
        "and alert local police when needed.",
        ("Staff: a patient at risk has left the unit. Call now with a description and the "
         "time they were last seen: do not use a form.",
         "Unit staff: a patient at risk of leaving can be watched for a time; ask for a watch."),
        call_first=True,
        actions=(ELOPEMENT_WATCH,),
    ),
    Service(
        "patient-standbys", "Patient standbys/restraints",
        "An officer stays with a patient who may harm themselves or others.", "help",
        "At the care team's request, officers stand by during treatment and help with safe, "
        "lawful restraint under the hospital's policy.",
        ("Staff: a patient is agitated, at risk of violence or of leaving unsafely.",
         "Unit staff: book a standby for now or a later time (restraints, a planned "
         "procedure). Violence now: call the emergency number."),
        actions=(STANDBY,),
    ),
    # Protecting people and property.
    Service(
        "alert-program", "ALERT program (Awareness Lets Everyone Reduce Theft)",
        "Register your laptop and equipment so stolen items can be traced.", "protect",
        "ALERT records the make, model and serial number of your devices so that officers can "
        "identify and return them if they are lost or stolen, and share theft-prevention tips.",
        ("You bring a laptop, tablet or other equipment to work.",),
        actions=(Action("Register a device", "devices.register_device"),
                 Action("About ALERT", "devices.alert")),
    ),
    Service(
        "laptop-lockdown", "Computer/laptop lockdown",
        "An officer fits a security cable or lock to your computer.", "protect",
        "Officers fit locks that fix computers and laptops to a desk, so they cannot be "
        "carried off.",
        ("Your computer is in an office or area that is open to the public.",),
        actions=(Action("Ask for a lockdown", "devices.request_lockdown"),),
    ),
    Service(
        "access-control", "Access control",
        "Badge access, door locks and keys for hospital buildings.", "protect",
        "The division manages badge readers and keys, so that only the right people can "
        "enter restricted areas.",
        ("You need access to an area, or a door or badge reader is not working.",
         "A badge or key is lost or stolen: call dispatch so it can be switched off."),
    ),
    Service(
        "crime-prevention", "Crime prevention services",
        "Advice on keeping yourself, your team and your belongings safe.", "protect",
        "Officers give practical advice on theft, vehicle crime and personal safety, and "
        "check areas where crime keeps happening.",
        ("Your area has had thefts or break-ins.", "You want advice on personal safety."),
        actions=(SERVICE_REQUEST,),
    ),
    Service(
        "infant-protection", "Infant Protection Program",
        "Keeping newborns safe: tagging, secure units and staff drills.", "protect",
        "The program protects newborns with electronic security tags, controlled doors on "
        "maternity and neonatal units, and regular Code Pink drills.",
        ("Staff: to arrange training or a drill, or to report a tag or door fault.",
         "Parents: ask your nurse how to recognise staff and keep your baby safe."),
    ),
    Service(
        "workplace-violence", "Workplace Violence Program",
        "Preventing and responding to threats and violence against staff.", "protect",
        "The program helps teams prevent violence, report threats and get support after an "
        "incident, with training, risk reviews and follow-up by officers.",
        ("You have been threatened, harassed or assaulted at work.",
         "Your team wants to reduce the risk of violence."),
        actions=(REPORT,),
    ),
    Service(
        "threat-assessment", "Threat/risk assessment",
        "A review of a specific threat or risk to a person or area.", "protect",
        "Officers assess threats made against staff or patients, and the risks of events and "
        "activities, and recommend what to do.",
        ("Someone has made a threat.", "You are planning an event or a change of use."),
        actions=(SERVICE_REQUEST,),
    ),
    Service(
        "security-survey", "Site/security survey",
        "An officer reviews the security of your building or area.", "protect",
        "A survey looks at doors, locks, lighting, cameras and procedures and ends with a "
        "written list of improvements.",
        ("Your department is moving, opening or being renovated.",
         "You have had repeated security problems."),
        actions=(SERVICE_REQUEST,),
    ),
    Service(
        "security-detail", "Security detail coverage",
        "Officers present at an event, a VIP visit or a difficult situation.", "protect",
        "Officers can be booked to cover events, high-profile visits and situations that need "
        "a visible security presence.",
        ("You are holding an event or expecting a visitor who needs protection.",),
        actions=(SERVICE_REQUEST,),
    ),
    Service(
        "systems-monitoring", "Security systems monitoring",
        "Cameras, alarms and panic buttons watched around the clock.", "protect",
        "The communications center monitors cameras, intruder and panic alarms and infant "
        "tags 24 hours a day, and sends officers when an alarm sounds.",
        ("A panic button or alarm needs testing or repair.",
         "You need camera footage after an incident: call dispatch promptly, as footage is "
         "kept only for a limited time."),
    ),
    # Training and outreach.
    Service(
        "seminars", "Outreach training and educational seminars",
        "Free sessions on personal safety, de-escalation, active shooter response and more.",
        "outreach",
        "The outreach unit runs seminars open to staff and, for some sessions, the public.",
        ("You want to learn what to do in an emergency, or to build safety skills.",),
        actions=(Action("See seminars and sign up", "seminars.catalogue"),),
    ),
    Service(
        "safety-presentations", "Safety and security presentations",
        "A talk for your team or group, at your place and time.", "outreach",
        "Officers present on safety topics for departments, community groups and schools.",
        ("Your team or group would like a presentation.",),
        actions=(SERVICE_REQUEST,),
    ),
    Service(
        "apb", "APB (All Points Bulletin) newsletter",
        "The division's newsletter: safety tips, alerts and news.", "outreach",
        "The APB shares crime prevention advice, safety alerts and news from the division. "
        "Anyone can subscribe by email.",
        ("You want regular safety news and alerts.",),
        actions=(Action("Read the APB", "apb.archive"),
                 Action("Subscribe", "apb.subscribe")),
    ),
    Service(
        "community-policing", "Community policing",
        "Officers who know your area and work with you on its problems.", "outreach",
        "Officers are assigned to areas of the campus and work with the people there to solve "
        "recurring problems.",
        ("You have an ongoing concern you would like to discuss with an officer.",),
    ),
    # How the division works.
    Service(
        "patrols", "Patrols of owned/leased property",
        "Officers patrol hospital buildings, car parks and leased sites.", "division",
        "Officers patrol on foot and by vehicle day and night, checking doors and deterring "
        "crime.",
        ("You would like more patrols near your area: call dispatch or ask for a survey.",),
    ),
    Service(
        "policy-enforcement", "Enforcement of hospital policy and procedure",
        "Upholding hospital rules such as no smoking, parking and visitor policies.", "division",
        "Officers enforce hospital policies fairly and explain the reasons.",
        ("Someone is breaking a hospital rule and you need support.",),
    ),
    Service(
        "agency-liaison", "Liaison services with other agencies",
        "Working with police, fire, courts and social services for you.", "division",
        "The division works with outside agencies on investigations, protective orders and "
        "emergencies, so that you have one point of contact.",
        ("You need to involve an outside agency in a hospital matter.",),
    ),
    Service(
        "smart-team", "SMART team (Strategic Management Assessment and Response)",
        "A specialist team for complex or high-risk situations.", "division",
        "The SMART team plans for and responds to complex risks, such as repeated threats, "
        "major events and critical incidents.",
        ("Your area faces a complex or ongoing risk that needs a coordinated plan.",
         "Unit staff: a unit security consult (threat or risk assessment) goes to this team."),
        actions=(UNIT_CONSULT,),
    ),
)

_BY_SLUG = {service.slug: service for service in SERVICES}


def get(slug: str) -> Service | None:
    return _BY_SLUG.get(slug)


def grouped() -> list[tuple[str, str, list[Service]]]:
    """(group key, heading, services) in display order."""
    return [(key, heading, [s for s in SERVICES if s.group == key]) for key, heading in GROUPS]


def emergencies() -> list[Service]:
    return [s for s in SERVICES if s.emergency]
