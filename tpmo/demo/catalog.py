"""Names and texts of the demo portfolio: what a TPMO would recognise."""

from __future__ import annotations

from risks.choices import RiskCategory

#: code, title, measure, unit, baseline, target
OBJECTIVES = [
    (
        "REL",
        "Four nines for customer-facing services",
        "Availability of checkout, login, search",
        "%",
        "99.90",
        "99.99",
    ),
    (
        "COST",
        "Cut cloud cost per transaction by a quarter",
        "Cloud cost per 1,000 transactions",
        "EUR",
        "4.20",
        "3.15",
    ),
    ("EU", "Launch in three EU markets", "Markets live with local payments", "markets", "0", "3"),
    ("SEC", "Pass SOC 2 Type II", "Open audit findings", "findings", "14", "0"),
    ("DEV", "Halve lead time for changes", "Median commit-to-production time", "hours", "72", "36"),
    (
        "AI",
        "AI-assisted support for every customer",
        "Tickets resolved by the assistant",
        "%",
        "5",
        "40",
    ),
    (
        "DATA",
        "One trusted customer data platform",
        "Systems reading the shared customer record",
        "systems",
        "3",
        "25",
    ),
    ("MOB", "Mobile-first shopping", "Share of orders placed on mobile", "%", "38", "55"),
]

#: The eight named programs of the small demo: code, name, objective codes.
NAMED_PROGRAMS = [
    ("PAY", "Payments platform modernisation", ["COST", "REL"]),
    ("CHK", "Checkout reliability", ["REL"]),
    ("EUX", "EU market expansion", ["EU", "MOB"]),
    ("SOC2", "SOC 2 Type II readiness", ["SEC"]),
    ("CLD", "Cloud cost optimisation", ["COST"]),
    ("DVX", "Developer productivity", ["DEV"]),
    ("AIS", "AI support assistant", ["AI"]),
    ("CDP", "Customer data platform", ["DATA"]),
]

#: How the named programs run, so that the small demo always shows each kind: calm ones (no
#: slips, partners committed, risks mitigated, spend on plan), troubled ones (their projects slip
#: more), and a watermelon (reported Green whatever the data says).
CALM_PROGRAMS = {"PAY", "CLD", "AIS"}
TROUBLED_PROGRAMS = {"CDP", "EUX"}
WATERMELON_PROGRAMS = {"CDP"}

#: For larger portfolios: program names are a domain and an initiative.
DOMAINS = [
    ("PAY", "Payments"),
    ("CHK", "Checkout"),
    ("SRCH", "Search"),
    ("IAM", "Identity"),
    ("DATA", "Data platform"),
    ("MOB", "Mobile"),
    ("LOG", "Logistics"),
    ("BIL", "Billing"),
    ("OBS", "Observability"),
    ("NET", "Networking"),
    ("STO", "Storage"),
    ("ML", "ML platform"),
    ("SUP", "Support"),
    ("MKT", "Marketplace"),
    ("SEC", "Security"),
    ("ERP", "Finance systems"),
]
INITIATIVES = [
    "modernisation",
    "reliability",
    "expansion",
    "migration",
    "cost optimisation",
    "compliance",
    "re-platforming",
    "self-service",
    "automation",
    "consolidation",
]

PROJECT_NAMES = [
    "API gateway",
    "Ledger service",
    "Mobile SDK",
    "Fraud rules engine",
    "Data migration",
    "Observability stack",
    "Load testing",
    "Vendor integration",
    "Regional rollout",
    "Legacy decommission",
    "Identity federation",
    "Event streaming",
    "Admin console",
    "Reporting warehouse",
    "Edge caching",
    "Schema redesign",
    "Billing adapter",
    "Feature flags",
    "Disaster recovery",
    "Accessibility pass",
]

MILESTONE_NAMES = [
    "Design review",
    "Architecture sign-off",
    "Alpha",
    "Security review",
    "Beta",
    "Load test passed",
    "Pilot customers live",
    "Launch readiness review",
    "GA",
    "Migration complete",
    "Legacy switched off",
    "Contract signed",
]

TEAMS = [
    "Payments",
    "Checkout",
    "Platform",
    "Data",
    "Mobile",
    "Security",
    "SRE",
    "Identity",
    "Growth",
    "Finance Eng",
    "ML",
    "Support Tools",
]

STAKEHOLDER_GROUPS = [
    ("Finance leadership", "Finance"),
    ("Customer support leads", "Support"),
    ("Legal & compliance", "Legal"),
    ("Sales engineering", "Sales"),
    ("Information security", "Security"),
    ("Product council", "Product"),
]

#: category → (title, cause, event, effect)
RISKS = {
    RiskCategory.TECHNICAL: [
        (
            "Vendor API limits below peak load",
            "The payment vendor's API is new to us",
            "its rate limits turn out lower than our peak traffic",
            "checkout fails at peak",
        ),
        (
            "Schema migration locks hot tables",
            "The migration rewrites the orders table",
            "it holds locks longer than the maintenance window",
            "orders stall for minutes",
        ),
    ],
    RiskCategory.SCHEDULE: [
        (
            "Security review slot not booked",
            "The security team is booked for the quarter",
            "our review slips past the beta date",
            "beta launches late",
        ),
        (
            "Dependency on platform upgrade",
            "We need the new cluster version",
            "the platform team delays the upgrade",
            "our rollout cannot start",
        ),
    ],
    RiskCategory.BUDGET: [
        (
            "Cloud spend above forecast",
            "Load tests run on production-sized clusters",
            "they run longer than planned",
            "the quarter's cloud budget overruns",
        ),
    ],
    RiskCategory.RESOURCE: [
        (
            "Key engineer leaves before GA",
            "One engineer knows the ledger internals",
            "they move team or leave",
            "ledger work stops for weeks",
        ),
    ],
    RiskCategory.VENDOR: [
        (
            "Vendor contract signed late",
            "Procurement needs three quotes",
            "the contract is signed after the build should start",
            "integration starts late",
        ),
    ],
    RiskCategory.SECURITY: [
        (
            "Secrets in legacy config",
            "Legacy services read secrets from files",
            "a secret leaks through a log or a backup",
            "an incident and forced rotation",
        ),
    ],
    RiskCategory.COMPLIANCE: [
        (
            "Data residency not met",
            "Customer data is replicated across regions",
            "EU data leaves the EU",
            "regulators block the launch",
        ),
    ],
    RiskCategory.ETHICAL_AI: [
        (
            "Assistant gives harmful answers",
            "The model is tuned on public data",
            "it answers outside policy",
            "customers are misled and trust drops",
        ),
    ],
}


#: Why a TPM reports another RAG than the computed one (kept on the demo's latest reports), by
#: the dimension of the computed health's first reason ("" when the data finds nothing wrong).
VARIANCE_REASONS = {
    "schedule": [
        "A recovery plan is agreed with the partner team; the slip is absorbed before launch.",
        "The late milestone is descoped to the next release with the sponsor's agreement.",
    ],
    "cost": [
        "The overrun is a timing difference: vendor invoices were pulled into this quarter.",
        "Actuals for last month are not loaded yet; the real spend is on plan.",
    ],
    "resourcing": [
        "The over-allocation ends when the data migration finishes next sprint.",
        "Two contractors start on Monday and take over the migration work.",
    ],
    "risk": [
        "The critical risk's mitigation is in place; its score is reviewed on Thursday.",
        "The risk is owned by the vendor, whose fix is already in testing.",
    ],
    "dependencies": [
        "The blocking dependency is escalated and a commitment is expected this week.",
        "A workaround removes the need for the late delivery until the pilot.",
    ],
    "freshness": [
        "The team reported in the steering meeting; the written report follows.",
    ],
    "": [
        "The vendor's next release is unconfirmed: a risk the data does not show yet.",
        "Key people leave the team next month; the plan does not reflect it yet.",
    ],
}
