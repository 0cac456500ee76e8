#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace httplib {
class TaskQueue;
} // namespace httplib

namespace Curtain::Sim {

// Keeps the API server's workers for requests that are being served. cpp-httplib gives a connection
// one worker for as long as it lives, and its only deadline is per read: an open watch, or a client
// sending a byte every few seconds, holds a worker for ever, and a few dozen of them starved every
// other client. The guard
// - runs the worker pool, and knows which accepted socket each worker serves;
// - closes a connection whose request (headers and body) has not arrived within the read deadline,
//   or whose response has not been taken within the serving deadline; a watch has neither;
// - counts open watches against a limit below the pool size, so ordinary requests keep workers;
// - tells a watch when its client has gone, so its worker comes back at once.
class ConnectionGuard
{
public:
    struct Limits
    {
        std::size_t watches = 96;
        std::size_t reserve = 32; // workers beyond the watch limit, for everything else
        std::chrono::milliseconds readDeadline{30'000};
        std::chrono::milliseconds serveDeadline{60'000}; // kube-apiserver's --request-timeout
        std::chrono::milliseconds keepAlive{2'000};      // how long an idle connection may wait
    };

    explicit ConnectionGuard(Limits limits);
    ~ConnectionGuard();
    ConnectionGuard(const ConnectionGuard &) = delete;
    ConnectionGuard &operator=(const ConnectionGuard &) = delete;

    // The port the server accepts connections on, how the guard recognises their sockets, and the
    // listening socket, which it leaves alone (the server closes it when it stops).
    void setListener(int port, int listeningSocket);
    // For httplib::Server::new_task_queue; the server deletes it after shutdown().
    httplib::TaskQueue *newTaskQueue();

    // On the worker serving a request: it has been read (serving deadline from now on) …
    void requestStarted();
    // … and its response is out (the next request's read deadline from now on).
    void requestFinished();

    // An open watch holds one of these; none is given when the watch limit is reached.
    class WatchSlot
    {
    public:
        explicit WatchSlot(ConnectionGuard &guard) : m_guard(guard) {}
        ~WatchSlot();
        WatchSlot(const WatchSlot &) = delete;
        WatchSlot &operator=(const WatchSlot &) = delete;

    private:
        ConnectionGuard &m_guard;
    };
    std::shared_ptr<WatchSlot> openWatch();
    // Whether the client of the request this worker serves has closed its connection.
    bool clientGone() const;

private:
    struct Connection;
    class Pool;

    std::shared_ptr<Connection> adoptAcceptedSocket();
    void serve(const std::shared_ptr<Connection> &connection, const std::function<void()> &job);
    void release(const std::shared_ptr<Connection> &connection);
    void closeAll();
    void watchdog();
    static Connection *current();

    static thread_local Connection *s_serving; // the connection the calling worker serves

    Limits m_limits;
    int m_port = 0;
    int m_listeningSocket = -1;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::map<unsigned long, std::shared_ptr<Connection>> m_connections; // by socket inode
    std::set<unsigned long> m_unguarded; // accepted sockets the guard could not tell apart
    std::set<int> m_serverSockets;       // descriptors the workers of guarded connections use
    std::size_t m_watches = 0;
    bool m_stopping = false;
    std::thread m_watchdog;
};

} // namespace Curtain::Sim
