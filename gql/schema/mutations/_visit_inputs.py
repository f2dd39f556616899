"""Inputs shared by the visit mutations."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TypeAlias

import strawberry

from gql.schema.types.enums import CoordinateSystemEnum, described_enum
from gql.services.visits.service import DeviceFix

__all__ = ["DeviceFixInput", "DeviceFixSourceEnum", "device_fix"]


class DeviceFixSource(enum.Enum):
    """Device-side position sources (a subset of the stored fix sources)."""

    GPS = "DEVICE_GPS"
    WIFI = "DEVICE_WIFI"


described_enum(
    DeviceFixSource,
    name="DeviceFixSource",
    description="How the handheld measured its position.",
    value_descriptions={
        DeviceFixSource.GPS: "Satellite fix.",
        DeviceFixSource.WIFI: "Wi-Fi / network location.",
    },
)
DeviceFixSourceEnum: TypeAlias = DeviceFixSource


@strawberry.input(description="The handheld's own fix, taken when the button was pressed.")
class DeviceFixInput:
    """A device fix."""

    lat: float = strawberry.field(description="Latitude in `coordinateSystem`.")
    lon: float = strawberry.field(description="Longitude in `coordinateSystem`.")
    coordinate_system: CoordinateSystemEnum = strawberry.field(
        default=CoordinateSystemEnum.WGS84, description="Datum (GPS chips report WGS-84)."
    )
    accuracy_m: float = strawberry.field(description="Reported accuracy radius, metres (> 0).")
    source: DeviceFixSourceEnum = strawberry.field(
        default=DeviceFixSourceEnum.GPS, description="GPS or Wi-Fi."
    )
    captured_at: dt.datetime = strawberry.field(description="When the device measured it.")


def device_fix(value: DeviceFixInput | None) -> DeviceFix | None:
    """Service command from the input."""
    if value is None:
        return None
    return DeviceFix(
        lat=value.lat,
        lon=value.lon,
        coordinate_system=value.coordinate_system.value,
        accuracy_m=value.accuracy_m,
        source=value.source.value,
        captured_at=value.captured_at,
    )
