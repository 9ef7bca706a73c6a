// The poison_device fault: one device of a served page carries bytes or types a strict client
// chokes on, the rest of the page is untouched. README.md "Faults" lists the variants.
#pragma once

#include <cstdint>
#include <string>

namespace oktasim {

// True when `variant` names a poison (lone_surrogate, invalid_utf8, control_char, wrong_types,
// name_not_string, id_not_string).
bool is_poison_variant(const std::string& variant);

// `page` (a JSON array as served) with the device at position `device` (the last one when the
// page is shorter) poisoned by `variant`. An empty page, or one that is no longer JSON (a
// poison already applied to it), is returned unchanged.
std::string poison_page(const std::string& page, const std::string& variant, uint64_t device);

}  // namespace oktasim
