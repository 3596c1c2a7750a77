"""Reference data (R1.1, R3.1): enterprises, commissioners, departments and users.

pydantic models shared by the store (what is kept) and the API (what is shown). Validation
rules of the mission live here; the API's request models reuse the annotated types below.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.domain.codes import Category, CommissionerKind, Industry, Role, SizeClass, UnitKind
from chalicelib.domain.enterprise import InvalidCreditCode, normalize_uscc


def _uscc(value: str) -> str:
    try:
        return normalize_uscc(value)
    except InvalidCreditCode as exc:
        raise PydanticCustomError(
            "uscc_invalid", "invalid credit code: {reason}", {"reason": exc.reason}
        ) from None


def _phone(value: str) -> str:
    """A mainland phone number where a person can be reached — a mobile or a landline with
    its area code — kept as its national digits (``13812345678``, ``051384123456``). Short
    service numbers (12345, 95588) reach a switchboard, not the contact: refused."""
    import phonenumbers  # loaded where a number is checked, not at start (~30 ms)

    try:
        parsed = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise PydanticCustomError("phone_invalid", "not a valid phone number") from None
    national = str(parsed.national_number)
    if not phonenumbers.is_valid_number(parsed):
        raise PydanticCustomError("phone_invalid", "not a valid phone number")
    leading_zero = not national.startswith("1") and len(national) > 6
    return ("0" + national) if leading_zero else national


def normalized_phone(value: str) -> str | None:
    """A phone number as intake keeps it (national digits), or ``None`` when it is none:
    what a number typed in another form (``+86 139-1234-5678``) is compared as."""
    if not isinstance(value, str) or not 3 <= len(value.strip()) <= 30:
        return None
    try:
        return _phone(value.strip())
    except PydanticCustomError:
        return None


Uscc = Annotated[str, AfterValidator(_uscc), Field(examples=["91320623MA1MXXXX0D"])]
Phone = Annotated[str, Field(min_length=3, max_length=30), AfterValidator(_phone)]


def _email(value: str) -> str:
    """An e-mail address, normalised (domain lower-cased) by ``email-validator``; syntax only
    (no DNS lookup: the county's mail may sit on an internal server)."""
    from email_validator import EmailNotValidError, validate_email  # ~25 ms: here only

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise PydanticCustomError("email_invalid", "not a valid e-mail address") from None


Email = Annotated[
    str,
    Field(max_length=254, examples=["zrzy@rudong.gov.cn"]),
    AfterValidator(_email),
]


def _single_line(value: str) -> str:
    """Titles and names are one line: no line breaks or tabs."""
    if any(c in value for c in "\n\r\t"):
        raise PydanticCustomError("text_single_line", "must be a single line")
    return value


SingleLine = AfterValidator(_single_line)
Name = Annotated[str, Field(min_length=1, max_length=100), SingleLine]
#: A short name an enterprise is known by (简称: 「恒润机械」 for 如东恒润机械制造有限公司).
ShortName = Annotated[str, Field(min_length=1, max_length=50), SingleLine]


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


#: An enterprise's short names: at most 10, each once (a repeat is dropped).
ShortNames = Annotated[list[ShortName], Field(max_length=10), AfterValidator(_distinct)]
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,39}$", examples=["natural-resources"])]
Username = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,39}$", examples=["ent-hengrun"])]
Timestamp = Annotated[str, Field(description="ISO 8601, Beijing time (+08:00)")]

#: The years an instant or a day sent to the API may fall in. Outside them an instant is
#: refused before anything uses it: 0001-01-01T00:00:00+01:02 has no Beijing time (a 500
#: where it was converted), and a report of year 1 failed in its job after a 202.
YEARS = (2000, 2099)


def _in_years(value: Any) -> Any:
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise PydanticCustomError("year_invalid", "the year must be 2000–2099")
    return value


#: An instant sent to the API: ISO 8601 with its offset, in the years 2000–2099.
Instant = Annotated[
    AwareDatetime,
    AfterValidator(_in_years),
    Field(description="ISO 8601 with offset, years 2000–2099"),
]


class Strict(BaseModel):
    """Request bodies: unknown fields are errors, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Actor(BaseModel):
    """Who did something: a person, or ``None`` for the system itself."""

    username: str
    role: Role
    display_name: str


class Flags(Strict):
    """Enterprise flags used by routing, policy matching and reports."""

    key_tech: bool = Field(False, description="重点科技型企业")
    major_project: bool = Field(False, description="省市重大项目")


class Contact(Strict):
    name: Name
    phone: Phone


class Enterprise(BaseModel):
    """An enterprise registered on the platform (企业)."""

    uscc: str = Field(description="统一社会信用代码 (GB 32100-2015)")
    name: str
    short_names: list[str] = Field(
        default_factory=list, description="简称：names callers use (searched like the name)"
    )
    size_class: SizeClass
    industry: Industry
    town: str | None = None
    flags: Flags = Field(default_factory=Flags)
    employees: int | None = Field(None, description="从业人数 (policy conditions may use it)")
    revenue: float | None = Field(None, description="上年营业收入，万元 (policy conditions)")
    contacts: list[Contact] = Field(default_factory=list)
    commissioner_id: str | None = Field(None, description="named commissioner, if any")
    version: int
    created_at: Timestamp
    updated_at: Timestamp


class Coverage(Strict):
    """What a commissioner covers; an empty list means every value."""

    size_classes: list[SizeClass] = Field(default_factory=list, max_length=3)
    industries: list[Industry] = Field(default_factory=list, max_length=5)

    def covers(self, size_class: SizeClass, industry: Industry) -> bool:
        """True if an enterprise of this size class and industry falls in this coverage."""
        return (not self.size_classes or size_class in self.size_classes) and (
            not self.industries or industry in self.industries
        )


class Commissioner(BaseModel):
    """A service commissioner (服务专员) or an industry task team (行业专班), R3.1."""

    id: str
    name: str
    kind: CommissionerKind
    coverage: Coverage
    phone: str | None = None
    email: str | None = Field(None, description="where overdue and escalation mail goes")
    active: bool = True
    version: int
    created_at: Timestamp
    updated_at: Timestamp


#: The most items a unit's responsibility list holds.
RESPONSIBILITIES_MAX = 30


class Responsibility(Strict):
    """One line of a unit's responsibility list (责任清单): the matters in words it answers
    for within an appeal category."""

    category: Category
    matters: str = Field(min_length=1, max_length=500)


class Department(BaseModel):
    """A handling unit appeals are transferred to: a functional department (职能部门) or a
    town (区镇), ``kind`` set at creation; its responsibility list guides transfers."""

    id: str
    name: str
    kind: UnitKind = UnitKind.DEPARTMENT
    responsibilities: list[Responsibility] = Field(
        default_factory=list, description="责任清单：the matters it answers for, by category"
    )
    phone: str | None = None
    email: str | None = Field(None, description="the department's mailbox for transfers")
    active: bool = True
    version: int
    created_at: Timestamp
    updated_at: Timestamp


class Bindings(BaseModel):
    """What a user acts for: exactly the binding its role needs, no other."""

    role: Role
    enterprise_uscc: str | None = None
    commissioner_id: str | None = None
    department_id: str | None = None

    @model_validator(mode="after")
    def _one_binding_per_role(self) -> Bindings:
        needed = BINDING_OF_ROLE.get(self.role)
        for field in ("enterprise_uscc", "commissioner_id", "department_id"):
            present = getattr(self, field) is not None
            if field == needed and not present:
                raise PydanticCustomError(
                    "binding_required",
                    "role {role} needs {field}",
                    {"role": self.role.value, "field": field},
                )
            if field != needed and present:
                raise PydanticCustomError(
                    "binding_not_allowed",
                    "role {role} cannot have {field}",
                    {"role": self.role.value, "field": field},
                )
        return self


#: The binding each role needs (roles not listed need none).
BINDING_OF_ROLE: dict[Role, str] = {
    Role.ENTERPRISE: "enterprise_uscc",
    Role.COMMISSIONER: "commissioner_id",
    Role.DEPARTMENT: "department_id",
}


class User(BaseModel):
    """A person or a machine client (service account) of the platform, bound to a role."""

    username: str
    display_name: str
    role: Role
    enterprise_uscc: str | None = None
    commissioner_id: str | None = None
    department_id: str | None = None
    phone: str | None = None
    service_account: bool = Field(False, description="a call-centre system, not a person")
    issuer: str
    subject: str
    active: bool = True
    version: int
    created_at: Timestamp
    updated_at: Timestamp

    def actor(self) -> Actor:
        return Actor(username=self.username, role=self.role, display_name=self.display_name)


def model_fields_dump(model: BaseModel) -> dict[str, Any]:
    """A model as plain JSON-ready data (enums as their values)."""
    return model.model_dump(mode="json")
