#include "device_owner.h"

namespace okta_device {

namespace {

// Absent sorts after present: a link Okta dated beats one it did not.
template <typename T>
int compare_opt(const std::optional<T>& a, const std::optional<T>& b) {
    if (a && b) return *a < *b ? -1 : (*b < *a ? 1 : 0);
    if (a) return -1;
    if (b) return 1;
    return 0;
}

bool owner_before(const UserLink& a, const UserLink& b) {
    if (int c = compare_opt(a.linked_ms, b.linked_ms)) return c < 0;
    if (int c = compare_opt(a.id, b.id)) return c < 0;
    return compare_opt(a.login, b.login) < 0;
}

}  // namespace

std::optional<std::size_t> pick_owner(const std::vector<UserLink>& users, std::size_t count) {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < count && i < users.size(); ++i) {
        if (!users[i].id && !users[i].login) continue;
        if (!best || owner_before(users[i], users[*best])) best = i;
    }
    return best;
}

std::optional<std::string_view> user_label(const UserLink& user) {
    if (user.login) return user.login;
    if (user.email) return user.email;
    return user.id;
}

bool full_name(const UserLink& user, std::string& out) {
    out.clear();
    if (user.first_name) out.append(*user.first_name);
    if (user.first_name && user.last_name) out.push_back(' ');
    if (user.last_name) out.append(*user.last_name);
    return !out.empty();
}

void owner_display(const UserLink& user, std::string& out) {
    const bool named = full_name(user, out);
    if (named && user.email) {
        out.append(" <").append(*user.email).push_back('>');
    } else if (!named) {
        if (auto label = user.email ? user.email : user_label(user)) out.assign(*label);
    }
}

}  // namespace okta_device
