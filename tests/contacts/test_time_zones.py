"""contacts.time_zones: the time-zone field's list of suggestions, kept rendered per list id."""

from contacts.time_zones import TimeZoneInput, time_zone_names


def datalist(html: str) -> str:
    return "<datalist" + html.split("<datalist", 1)[1]


def test_every_zone_is_suggested_the_same_from_the_cache_whatever_the_value():
    widget = TimeZoneInput()
    first = widget.render("time_zone", "Europe/Berlin", {"id": "id_time_zone"})
    again = widget.render("time_zone", "Asia/Tokyo", {"id": "id_time_zone"})
    assert datalist(first).count("<option ") == len(time_zone_names())
    assert datalist(again) == datalist(first)
    assert 'value="Asia/Tokyo"' in again.split("<datalist")[0]


def test_each_field_id_gets_a_list_of_its_own():
    widget = TimeZoneInput()
    widget.render("time_zone", "", {"id": "id_time_zone"})
    other = widget.render("time_zone", "", {"id": "id_person-time_zone"})
    assert 'list="id_person-time_zone-zones"' in other
    assert '<datalist id="id_person-time_zone-zones">' in other
