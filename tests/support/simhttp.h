#pragma once

// HTTP to a curtain-sim of a test's own, as the sim suites speak it: a reply read as a client reads
// it (code, JSON body, Retry-After), and a raw HTTP/1.1 connection for watches and slow clients.

#include "testsupport.h"

#include <QStringList>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

namespace Curtain::Test {

// One reply as a client reads it: the code (-1 when none came) and, when there is one, the JSON body.
struct SimReply
{
    int code = -1;
    nlohmann::json body;
    std::string retryAfter;

    std::string message() const;
    // A Kubernetes Status of failure with this reason and the reply's own code.
    bool isStatus(const char *reason) const;
};

SimReply replyOf(const httplib::Result &res);

// A client that speaks raw HTTP/1.1 byte by byte, to the sim on loopback.
class RawConnection
{
public:
    explicit RawConnection(int port);
    ~RawConnection();
    RawConnection(const RawConnection &) = delete;
    RawConnection &operator=(const RawConnection &) = delete;

    bool send(const std::string &text) const;
    // Reads what has arrived until `done` says so or `ms` pass; the text read so far.
    std::string readUntil(const std::function<bool(const std::string &)> &done, int ms);
    // True once the server has closed or reset the connection.
    bool closedByServer() const;

private:
    int m_fd = -1;
    std::string m_received;
};

// A sim started for one test function, and requests to it.
class SimHttp
{
public:
    // Starts a fresh sim (stopping one already running); false, with a warning saying why, if it did not.
    bool start(const QStringList &arguments = {});
    void stop() { m_sim.reset(); }
    int port() const { return m_sim->port(); }

    // A client with a 10 s read timeout.
    httplib::Client client() const;
    SimReply get(const std::string &path) const;
    SimReply patch(const std::string &path, const std::string &type, const std::string &body) const;
    SimReply post(const std::string &path, const std::string &body, const std::string &type = "application/json") const;
    SimReply put(const std::string &path, const std::string &body, const std::string &type = "application/json") const;

private:
    std::unique_ptr<SimProcess> m_sim;
};

} // namespace Curtain::Test
