// The users Okta links to a device (_embedded.users[], read with expand) and which of them is
// the owner. OCSF has one owner per device and Okta returns the links in no defined order, so
// the choice must not depend on array order (a record would flip owners between syncs): the
// link created first wins (_embedded.users[].created, when the user was linked to the device),
// then the smaller user id, then the smaller login.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okta_device {

// One _embedded.users[] entry. Views into the page being parsed.
struct UserLink {
    std::optional<std::string_view> id, login, email, first_name, last_name;
    std::optional<std::string_view> management_status, screen_lock_type;
    std::optional<std::int64_t> linked_ms;  // `created` of the link, parsed
};

// Index of the owner among users[0, count): only links with an id or a login qualify.
std::optional<std::size_t> pick_owner(const std::vector<UserLink>& users, std::size_t count);

// How the enrichments name a user: the login, else the e-mail, else the id.
std::optional<std::string_view> user_label(const UserLink& user);

// "First Last" (either alone when one is missing) into `out` (cleared); false when neither.
bool full_name(const UserLink& user, std::string& out);

// What a person reads for the owner: "Ann Lee <ann.lee@acme.com>" (RFC 5322 mailbox form), the
// name or the e-mail alone when only one is known, else the label. Into `out` (cleared).
void owner_display(const UserLink& user, std::string& out);

}  // namespace okta_device
