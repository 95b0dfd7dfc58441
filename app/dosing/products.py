"""Products and measuring devices, as the pharmacy stocks them.

A product is a drug as it is given: a liquid of a strength in mass per
volume (methotrexate injection 25 mg/mL; prednisolone oral solution
15 mg/5 mL, that is 3 mg/mL), or a tablet of a mass (prednisolone 5 mg),
divisible into halves only where the pharmacy says so; some list the vial
or bottle sizes they come in (immunoglobulin 10%: 2.5, 5, 10, 20 and 40 g).
A device measures a liquid: its capacity and its graduation, in mL.
`shared/clinical-reference.md`, second edition, section A.

Strengths are checked by dimension when the file is loaded and converted
to the unit each regimen's amounts are in, so that a request only divides
decimals. Each object is made once per file and compared by identity
(`eq=False`), which keeps the measuring cache's keys cheap to hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from .file_fields import FieldReader, read_quantity, read_sizes
from .units import MASS, VOLUME, Quantity, magnitude_in

Form = Literal["liquid", "tablet"]


@dataclass(frozen=True, eq=False)
class Device:
    """A measuring device: holds up to `capacity_ml`, marked every
    `graduation_ml`."""

    id: str
    name: str
    capacity_ml: Decimal
    graduation_ml: Decimal


@dataclass(frozen=True, eq=False)
class Product:
    """A product as stocked: `strength` as written (value and unit) and, in
    mg, its vial sizes (empty when not listed)."""

    id: str
    drug: str
    name: str
    form: Form
    strength: Decimal
    strength_unit: str
    divisible: bool
    vial_sizes_mg: tuple[Decimal, ...]
    source: str


@dataclass(frozen=True, eq=False)
class ProductUse:
    """A product as one regimen uses it: its strength in the regimen's
    amount unit per mL (a liquid) or per tablet, and its vial sizes in that
    unit."""

    product: Product
    #: Amount units per mL (liquid) or per tablet.
    strength: Decimal
    vial_sizes: tuple[Decimal, ...]

    @property
    def id(self) -> str:
        return self.product.id


def read_devices(rd: FieldReader, data: Any) -> dict[str, Device]:
    """The `[devices.<id>]` tables, smallest capacity first."""
    devices: dict[str, Device] = {}
    if data is None:
        return devices
    if not isinstance(data, dict):
        rd.problem(("devices",), "must be tables [devices.<id>]")
        return devices
    for did, raw in data.items():
        path = ("devices", did)
        table = rd.table(raw, path, {"name", "capacity", "graduation"})
        if table is None:
            continue
        name = rd.text(table, (*path, "name"))
        sizes = {}
        for key in ("capacity", "graduation"):
            quantity = read_quantity(rd, table.get(key), (*path, key))
            if quantity is not None and quantity.unit.dimensionality != VOLUME:
                rd.problem((*path, key, "unit"), f"must be a volume such as mL, not {quantity.text}")
                quantity = None
            sizes[key] = None if quantity is None else magnitude_in(
                Quantity(quantity.value, quantity.unit), "mL")
        capacity, graduation = sizes["capacity"], sizes["graduation"]
        if name is None or capacity is None or graduation is None:
            continue
        if capacity % graduation:
            rd.problem((*path, "capacity"), f"{capacity} mL is not a whole number of "
                                            f"{graduation} mL graduations")
            continue
        devices[did] = Device(did, name, capacity, graduation)
    return dict(sorted(devices.items(), key=lambda item: item[1].capacity_ml))


def read_products(rd: FieldReader, data: Any) -> dict[str, Product]:
    """The `[products.<id>]` tables."""
    products: dict[str, Product] = {}
    if data is None:
        return products
    if not isinstance(data, dict):
        rd.problem(("products",), "must be tables [products.<id>]")
        return products
    for pid, raw in data.items():
        path = ("products", pid)
        table = rd.table(raw, path, {"drug", "name", "form", "strength", "divisible", "vials"})
        if table is None:
            continue
        drug = rd.text(table, (*path, "drug"))
        name = rd.text(table, (*path, "name"))
        form = table.get("form")
        if form not in ("liquid", "tablet"):
            rd.problem((*path, "form"), 'must be "liquid" or "tablet"')
            continue
        strength = read_quantity(rd, table.get("strength"), (*path, "strength"))
        wanted = MASS / VOLUME if form == "liquid" else MASS
        if strength is not None and strength.unit.dimensionality != wanted:
            example = "per volume such as mg/mL" if form == "liquid" else "per tablet such as mg"
            rd.problem((*path, "strength", "unit"),
                       f"a {form}'s strength is a mass {example}, not {strength.text}")
            continue
        divisible = table.get("divisible", False)
        if not isinstance(divisible, bool) or (divisible and form != "tablet"):
            rd.problem((*path, "divisible"), "true or false, for a tablet only")
            continue
        vials = _read_vials(rd, table, path)
        if None in (drug, name, strength, vials):
            continue
        products[pid] = Product(pid, drug, name, form, strength.value, strength.text, divisible,
                                vials, strength.source)
    return products


def _read_vials(rd: FieldReader, table: dict, path: tuple[str, ...]) -> tuple[Decimal, ...] | None:
    if "vials" not in table:
        return ()
    return read_sizes(rd, table["vials"], (*path, "vials"), MASS, "mg",
                      "vial sizes, the mass in each vial, such as g or mg")


def product_use(product: Product, amount_unit: str) -> ProductUse:
    """`product` with its strength and vials in `amount_unit` (per mL or per tablet)."""
    per = "mL" if product.form == "liquid" else None
    target = f"{amount_unit}/{per}" if per else amount_unit
    strength = magnitude_in(Quantity(product.strength, product.strength_unit), target)
    vials = tuple(magnitude_in(Quantity(size, "mg"), amount_unit) for size in product.vial_sizes_mg)
    return ProductUse(product, strength, vials)
