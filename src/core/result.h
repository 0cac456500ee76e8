#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace Curtain::Core {

// What went wrong, in terms a caller can branch on; the message is for the user and names the fix.
enum class ErrorKind {
    InvalidInput, // the request itself is wrong (a weight of 130, an unknown release)
    NotFound,
    Conflict,     // someone changed the object since it was read (HTTP 409, or a failed JSON-patch test)
    Refused,      // the action is not possible in the release's current state
    Unreachable,  // connection refused, DNS, TLS, timeout before any answer
    Unauthorized, // 401
    Forbidden,    // 403
    Timeout,
    Cancelled,
    Protocol,     // a reply that is malformed, truncated or not what the API promises
    Server,       // 5xx and anything else the server reported
    NotConfirmed, // a write was sent and its outcome is unknown: no answer came, and reading back did not show it
};

struct Error
{
    ErrorKind kind = ErrorKind::Server;
    int httpStatus = 0;
    QString message;
    int retryAfterSeconds = 0; // the server's Retry-After, when it sent one
    // The request left this machine and no complete answer came back (a timeout or a connection
    // lost mid-way): a write may have been applied. False when it never got out (refused, DNS, TLS).
    bool requestSent = false;
};

QString errorKindName(ErrorKind kind);

// A value or an Error. Small on purpose: callers test ok(), then read value() or error().
template <typename T>
class [[nodiscard]] Result
{
public:
    Result() : m_data(Error{ErrorKind::Server, 0, QStringLiteral("no result")}) {}
    Result(T value) : m_data(std::move(value)) {}
    Result(Error error) : m_data(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    T &&value() && { return std::get<T>(std::move(m_data)); }
    const Error &error() const { return std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

// The value type of a Result that carries no payload.
struct Done
{
};

inline Error makeError(ErrorKind kind, QString message, int httpStatus = 0)
{
    return Error{kind, httpStatus, std::move(message)};
}

} // namespace Curtain::Core
