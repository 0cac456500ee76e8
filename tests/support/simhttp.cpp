#include "simhttp.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <utility>

namespace Curtain::Test {

using nlohmann::json;

std::string SimReply::message() const
{
    return body.is_object() ? body.value("message", "") : std::string();
}

bool SimReply::isStatus(const char *reason) const
{
    return body.is_object() && body.value("kind", "") == "Status" && body.value("status", "") == "Failure" &&
           body.value("reason", "") == reason && body.value("code", 0) == code;
}

SimReply replyOf(const httplib::Result &res)
{
    SimReply reply;
    if (res) {
        reply.code = res->status;
        reply.body = json::parse(res->body, nullptr, false);
        reply.retryAfter = res->get_header_value("Retry-After");
    }
    return reply;
}

RawConnection::RawConnection(int port)
{
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(quint16(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(std::exchange(m_fd, -1));
    }
}

RawConnection::~RawConnection()
{
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

bool RawConnection::send(const std::string &text) const
{
    return m_fd >= 0 && ::send(m_fd, text.data(), text.size(), MSG_NOSIGNAL) == ssize_t(text.size());
}

std::string RawConnection::readUntil(const std::function<bool(const std::string &)> &done, int ms)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!done(m_received) && std::chrono::steady_clock::now() < deadline && m_fd >= 0) {
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, 50) > 0) {
            char buffer[4096];
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (n <= 0) {
                break;
            }
            m_received.append(buffer, std::size_t(n));
        }
    }
    return m_received;
}

bool RawConnection::closedByServer() const
{
    char byte;
    const ssize_t n = ::recv(m_fd, &byte, 1, MSG_DONTWAIT | MSG_PEEK);
    return m_fd < 0 || n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

bool SimHttp::start(const QStringList &arguments)
{
    m_sim = std::make_unique<SimProcess>();
    QString error;
    if (!m_sim->start(&error, arguments)) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    return true;
}

httplib::Client SimHttp::client() const
{
    httplib::Client c("127.0.0.1", m_sim->port());
    c.set_read_timeout(10);
    return c;
}

SimReply SimHttp::get(const std::string &path) const
{
    return replyOf(client().Get(path.c_str()));
}

SimReply SimHttp::patch(const std::string &path, const std::string &type, const std::string &body) const
{
    return replyOf(client().Patch(path.c_str(), body, type.c_str()));
}

SimReply SimHttp::post(const std::string &path, const std::string &body, const std::string &type) const
{
    return replyOf(client().Post(path.c_str(), body, type.c_str()));
}

SimReply SimHttp::put(const std::string &path, const std::string &body, const std::string &type) const
{
    return replyOf(client().Put(path.c_str(), body, type.c_str()));
}

} // namespace Curtain::Test
