"""Addresses that are not a person: pagers, phones, SMS gateways, roles and machines.

Such an address never gets a draft and is never a relationship, whatever its mail says;
the reason is shown by ``contacts`` and ``explain``. Pure: judged from the address alone.
"""

from __future__ import annotations

import re

from followthrough.mail.addresses import looks_like_machine

_DIGITS = re.compile(r"^\+?\d+$")
# a phone number written with separators: 713-853-1234, 1.800.555.1234, (713)853-1234
_PHONE = re.compile(r"^\+?(?:1[-.]?)?\(?\d{3}\)?[-.]?\d{3}[-.]?\d{4}$")
# e-mail to pager and SMS gateways of phone and paging carriers
_GATEWAYS = (
    "skytel.com", "pagenet.net", "pagenet.com", "mobile.att.net", "txt.att.net",
    "mms.att.net", "page.att.net", "mobile.mycingular.com", "cingularme.com", "mmode.com",
    "vtext.com", "vzwpix.com", "myvzw.com", "tmomail.net", "messaging.sprintpcs.com",
    "pm.sprint.com", "sprintpaging.com", "messaging.nextel.com", "page.nextel.com",
    "pagemart.net", "archwireless.net", "mobilecomm.net", "message.alltel.com",
    "email.uscc.net", "sms.mycricket.com",
    "mymetropcs.com", "msg.fi.google.com", "txt.bell.ca", "pcs.rogers.com", "msg.telus.com",
    "text.republicwireless.com", "pagenet.ca",
)
# a domain whose first label says it pages or texts: page.metrocall.com, pager.example
_GATEWAY_LABELS = {"page", "pager", "paging", "skytel"}
# mailboxes of a role, read by whoever is on duty
_ROLES = frozenset((
    "info", "information", "support", "help", "helpdesk", "servicedesk", "techsupport",
    "itsupport", "sales", "admin", "administrator", "webmaster", "hostmaster", "root", "abuse",
    "security", "billing", "accounts", "accountspayable", "enquiries", "inquiries", "enquiry",
    "inquiry", "contact", "contactus", "feedback", "service", "services", "customerservice",
    "customerservices", "customersupport", "customercare", "care", "hr", "humanresources", "jobs",
    "careers", "recruiting", "recruitment", "marketing", "press", "media", "orders",
    "reservations", "subscriptions", "subscribe", "unsubscribe", "register", "registration",
    "registrar", "reception", "frontdesk", "announcements", "announce", "broadcast", "everyone",
    "allemployees", "staff", "mailroom", "office",
))


def _gateway(domain: str) -> bool:
    if any(domain == g or domain.endswith("." + g) for g in _GATEWAYS):
        return True
    labels = domain.split(".")
    return labels[0] in _GATEWAY_LABELS or any(label.startswith("pagenet") for label in labels)


def not_a_person(address: str) -> str | None:
    """Why ``address`` is not a person to keep in touch with, or None."""
    local, _, domain = address.lower().rpartition("@")
    if not local:
        return None
    if _DIGITS.match(local) or _PHONE.match(local):
        return f"a pager or phone number ({local}@…), not a person"
    if _gateway(domain):
        return f"a pager or text-message gateway ({domain}), not a person"
    if re.sub(r"[-._]", "", local.split("+", 1)[0]) in _ROLES:
        return f"a role address ({local}@…), not a person"
    if looks_like_machine(address):
        return f"a machine address ({local}@…), not a person"
    return None
