#include "sim/connectionguard.h"

#include <httplib.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <vector>

namespace Curtain::Sim {

using Clock = std::chrono::steady_clock;

thread_local ConnectionGuard::Connection *ConnectionGuard::s_serving = nullptr;

struct ConnectionGuard::Connection
{
    enum class Phase { Reading, Serving, Watching, Closed };

    int socket = -1;       // the guard's own duplicate: shutting it down ends the connection, and while it is
                           // open the socket's number cannot be reused by another connection
    int serverSocket = -1; // the number the server's worker uses; the worker closes it, not the guard
    unsigned long inode = 0;
    Phase phase = Phase::Reading;
    Clock::time_point deadline;
};

namespace {

int localPort(int fd)
{
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
        return -1;
    }
    if (address.ss_family == AF_INET) {
        return ntohs(reinterpret_cast<const sockaddr_in &>(address).sin_port);
    }
    if (address.ss_family == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6 &>(address).sin6_port);
    }
    return -1;
}

bool listening(int fd)
{
    int accepting = 0;
    socklen_t length = sizeof accepting;
    return ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting != 0;
}

} // namespace

// A pool that grows to watches + reserve workers, and runs each connection under the guard.
class ConnectionGuard::Pool final : public httplib::TaskQueue
{
public:
    Pool(ConnectionGuard &guard, std::size_t maxWorkers) : m_guard(guard), m_maxWorkers(maxWorkers) {}

    void enqueue(std::function<void()> job) override
    {
        // Runs on the listening thread right after accept(): the newest socket is this job's.
        auto connection = m_guard.adoptAcceptedSocket();
        std::lock_guard lock(m_mutex);
        m_jobs.emplace_back(std::move(job), std::move(connection));
        if (m_idle < m_jobs.size() && m_threads.size() < m_maxWorkers) {
            m_threads.emplace_back([this] { work(); });
        } else {
            m_ready.notify_one();
        }
    }

    void shutdown() override
    {
        {
            std::lock_guard lock(m_mutex);
            m_shutdown = true;
        }
        m_guard.closeAll(); // what workers still serve ends now, not at its clients' pace
        m_ready.notify_all();
        for (std::thread &thread : m_threads) {
            thread.join();
        }
    }

private:
    void work()
    {
        for (;;) {
            std::unique_lock lock(m_mutex);
            ++m_idle;
            m_ready.wait(lock, [this] { return m_shutdown || !m_jobs.empty(); });
            --m_idle;
            if (m_jobs.empty()) {
                return;
            }
            auto [job, connection] = std::move(m_jobs.front());
            m_jobs.pop_front();
            lock.unlock();
            m_guard.serve(connection, job);
        }
    }

    ConnectionGuard &m_guard;
    const std::size_t m_maxWorkers;
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<std::pair<std::function<void()>, std::shared_ptr<Connection>>> m_jobs;
    std::vector<std::thread> m_threads;
    std::size_t m_idle = 0;
    bool m_shutdown = false;
};

ConnectionGuard::ConnectionGuard(Limits limits) : m_limits(limits), m_watchdog([this] { watchdog(); })
{}

ConnectionGuard::~ConnectionGuard()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_watchdog.join();
    closeAll();
}

void ConnectionGuard::setListener(int port, int listeningSocket)
{
    std::lock_guard lock(m_mutex);
    m_port = port;
    m_listeningSocket = listeningSocket;
}

httplib::TaskQueue *ConnectionGuard::newTaskQueue()
{
    return new Pool(*this, m_limits.watches + m_limits.reserve);
}

// cpp-httplib hands a worker only a function that serves some socket. The socket just accepted is
// the one of ours (accepted on our port, not listening) that the guard does not know yet; the
// process's open descriptors are listed by the kernel in /proc/self/fd. When that does not single
// one out, the connection runs unguarded, as it would without the guard.
// The numbers that guarded connections' workers still use are not looked at, nor the listening
// socket: a worker closes its socket when it likes, the server closes the listening one when it
// stops, and a descriptor must not be examined while another thread may close it.
std::shared_ptr<ConnectionGuard::Connection> ConnectionGuard::adoptAcceptedSocket()
{
    std::lock_guard lock(m_mutex);
    std::vector<std::pair<int, unsigned long>> found;
    std::set<unsigned long> seen;
    std::error_code error;
    for (const auto &entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
        const int fd = std::atoi(entry.path().filename().c_str());
        if (fd == m_listeningSocket || m_serverSockets.count(fd)) {
            continue;
        }
        struct stat info
        {
        };
        if (::fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode) || m_connections.count(info.st_ino) ||
            localPort(fd) != m_port || listening(fd)) {
            continue;
        }
        seen.insert(info.st_ino);
        if (!m_unguarded.count(info.st_ino)) {
            found.emplace_back(fd, info.st_ino);
        }
    }
    std::erase_if(m_unguarded, [&](unsigned long inode) { return !seen.count(inode); });
    if (found.size() != 1) {
        for (const auto &[fd, inode] : found) {
            m_unguarded.insert(inode);
        }
        return nullptr;
    }
    auto connection = std::make_shared<Connection>();
    connection->socket = ::dup(found.front().first);
    struct stat info
    {
    };
    if (connection->socket < 0 || ::fstat(connection->socket, &info) != 0 || info.st_ino != found.front().second) {
        if (connection->socket >= 0) {
            ::close(connection->socket); // the number was reused in between: not ours after all
        }
        return nullptr;
    }
    connection->inode = info.st_ino;
    connection->serverSocket = found.front().first;
    m_serverSockets.insert(connection->serverSocket);
    connection->deadline = Clock::now() + m_limits.readDeadline;
    m_connections.emplace(connection->inode, connection);
    return connection;
}

void ConnectionGuard::serve(const std::shared_ptr<Connection> &connection, const std::function<void()> &job)
{
    if (connection) {
        std::lock_guard lock(m_mutex);
        connection->deadline = Clock::now() + m_limits.readDeadline; // time in the queue does not count
    }
    s_serving = connection.get();
    try {
        job();
    } catch (...) {
        // cpp-httplib lets an exception from a response's content provider escape; it must not end
        // the sim. (The connection's descriptor leaks: the server never closed it.)
    }
    s_serving = nullptr;
    if (connection) {
        release(connection);
    }
}

void ConnectionGuard::release(const std::shared_ptr<Connection> &connection)
{
    std::lock_guard lock(m_mutex);
    m_connections.erase(connection->inode);
    m_serverSockets.erase(connection->serverSocket);
    ::close(connection->socket);
    connection->socket = -1;
}

ConnectionGuard::Connection *ConnectionGuard::current()
{
    return s_serving;
}

void ConnectionGuard::requestStarted()
{
    if (Connection *connection = current()) {
        std::lock_guard lock(m_mutex);
        if (connection->phase != Connection::Phase::Closed) {
            connection->phase = Connection::Phase::Serving;
            connection->deadline = Clock::now() + m_limits.serveDeadline;
        }
    }
}

void ConnectionGuard::requestFinished()
{
    if (Connection *connection = current()) {
        std::lock_guard lock(m_mutex);
        if (connection->phase != Connection::Phase::Closed) {
            connection->phase = Connection::Phase::Reading;
            connection->deadline = Clock::now() + m_limits.keepAlive + m_limits.readDeadline;
        }
    }
}

std::shared_ptr<ConnectionGuard::WatchSlot> ConnectionGuard::openWatch()
{
    std::lock_guard lock(m_mutex);
    if (m_watches >= m_limits.watches) {
        return nullptr;
    }
    ++m_watches;
    if (Connection *connection = current(); connection && connection->phase != Connection::Phase::Closed) {
        connection->phase = Connection::Phase::Watching;
    }
    return std::make_shared<WatchSlot>(*this);
}

ConnectionGuard::WatchSlot::~WatchSlot()
{
    std::lock_guard lock(m_guard.m_mutex);
    --m_guard.m_watches;
}

bool ConnectionGuard::clientGone() const
{
    const Connection *connection = current();
    if (!connection || connection->socket < 0) {
        return false;
    }
    pollfd state{connection->socket, POLLIN | POLLRDHUP, 0};
    if (::poll(&state, 1, 0) <= 0) {
        return false;
    }
    if (state.revents & (POLLRDHUP | POLLHUP | POLLERR)) {
        return true;
    }
    char byte;
    return ::recv(connection->socket, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

void ConnectionGuard::closeAll()
{
    std::lock_guard lock(m_mutex);
    for (auto &[inode, connection] : m_connections) {
        ::shutdown(connection->socket, SHUT_RDWR);
        connection->phase = Connection::Phase::Closed;
    }
}

// Ends the connections past their deadline: shutting the socket down wakes the worker blocked on it.
void ConnectionGuard::watchdog()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_wake.wait_for(lock, std::chrono::milliseconds(200));
        const auto now = Clock::now();
        for (auto &[inode, connection] : m_connections) {
            const bool timed =
                connection->phase == Connection::Phase::Reading || connection->phase == Connection::Phase::Serving;
            if (timed && now >= connection->deadline) {
                ::shutdown(connection->socket, SHUT_RDWR);
                connection->phase = Connection::Phase::Closed;
            }
        }
    }
}

} // namespace Curtain::Sim
