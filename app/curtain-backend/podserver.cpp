#include "podserver.h"

#include "controlrequest.h"
#include "latencymodel.h"

#include <httplib.h>

#include <sys/socket.h>

#include <chrono>
#include <mutex>
#include <random>
#include <thread>

namespace Curtain::Backend {

namespace {

constexpr std::size_t maxBodyBytes = 64 * 1024; // /control takes a few fields; nothing needs more
constexpr time_t ioTimeoutSeconds = 5;          // a client silent for this long loses its connection

} // namespace

struct PodServer::Private
{
    Private(PodLabels podLabels, const Behaviour &initial, std::uint64_t seed, int threads)
        : labels(std::move(podLabels)), behaviour(initial), latency(initial.latency, initial.p99), random(seed),
          workers(threads)
    {}

    void setup();
    void serveTraffic(const httplib::Request &req, httplib::Response &res);
    void control(const httplib::Request &req, httplib::Response &res);

    const PodLabels labels;
    httplib::Server server;
    PodCounters counters;
    std::mutex mutex; // guards the three below
    Behaviour behaviour;
    LatencyModel latency;
    std::mt19937_64 random;
    int workers;
    std::thread thread;
};

PodServer::PodServer(PodLabels labels, const Behaviour &behaviour, std::uint64_t seed, int threads)
    : d(std::make_unique<Private>(std::move(labels), behaviour, seed, threads))
{
    d->setup();
}

PodServer::~PodServer()
{
    stop();
}

const PodLabels &PodServer::labels() const
{
    return d->labels;
}

void PodServer::Private::setup()
{
    const int poolSize = workers;
    server.new_task_queue = [poolSize] { return new httplib::ThreadPool(std::size_t(poolSize)); };
    // cpp-httplib closes a keep-alive connection after 5 requests by default: a load generator
    // would spend its time reconnecting.
    server.set_keep_alive_max_count(1'000'000);
    server.set_keep_alive_timeout(ioTimeoutSeconds);
    server.set_read_timeout(ioTimeoutSeconds, 0);
    server.set_write_timeout(ioTimeoutSeconds, 0);
    server.set_payload_max_length(maxBodyBytes);
    server.set_tcp_nodelay(true);
    server.set_exception_handler([](const httplib::Request &, httplib::Response &res, std::exception_ptr) {
        res = httplib::Response();
        res.status = 500;
        res.set_content("internal error\n", "text/plain");
    });

    server.Get("/healthz", [this](const httplib::Request &, httplib::Response &res) {
        bool healthy = true;
        {
            std::lock_guard lock(mutex);
            healthy = behaviour.healthy;
        }
        res.status = healthy ? 200 : 503;
        res.set_content(healthy ? "ok\n" : "unhealthy (set by /control)\n", "text/plain");
    });
    server.Get("/metrics", [this](const httplib::Request &, httplib::Response &res) {
        res.set_content(counters.exposition(labels), "text/plain; version=0.0.4; charset=utf-8");
    });
    server.Get("/control", [this](const httplib::Request &, httplib::Response &res) {
        std::lock_guard lock(mutex);
        res.set_content(behaviourJson(behaviour), "application/json");
    });
    server.Post("/control", [this](const httplib::Request &req, httplib::Response &res) { control(req, res); });
    server.Get(".*", [this](const httplib::Request &req, httplib::Response &res) { serveTraffic(req, res); });
}

void PodServer::Private::serveTraffic(const httplib::Request &, httplib::Response &res)
{
    const auto started = std::chrono::steady_clock::now();
    Micros delay{0};
    bool fail = false;
    {
        std::lock_guard lock(mutex);
        delay = latency.draw(random);
        fail = std::uniform_real_distribution<double>(0.0, 1.0)(random) < behaviour.errorRate;
    }
    if (delay.count() > 0) {
        std::this_thread::sleep_for(delay);
    }
    res.status = fail ? 500 : 200;
    const std::string text = labels.color + " " + labels.version + " " + labels.pod;
    res.set_content(fail ? text + " error\n" : text + "\n", "text/plain");
    // Counted before the response leaves: a client that has its answer finds it in /metrics.
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    counters.record(res.status, seconds);
}

void PodServer::Private::control(const httplib::Request &req, httplib::Response &res)
{
    std::lock_guard lock(mutex);
    auto outcome = applyControl(behaviour, req.get_header_value("Content-Type"), req.body);
    if (const auto *error = std::get_if<std::string>(&outcome)) {
        res.status = 400;
        res.set_content(*error + "\n", "text/plain");
        return;
    }
    behaviour = std::get<Behaviour>(outcome);
    latency = LatencyModel(behaviour.latency, behaviour.p99);
    res.set_content(behaviourJson(behaviour), "application/json");
}

int PodServer::start(const std::string &host, int port, std::string *error)
{
    // cpp-httplib listens with a backlog of 5; a load generator opening dozens of connections at
    // once would see its surplus SYNs retried only after a second. Listen again with a longer one.
    socket_t listening = INVALID_SOCKET;
    d->server.set_socket_options([&listening](socket_t sock) {
        httplib::default_socket_options(sock);
        listening = sock;
    });
    int bound = port;
    if (port == 0) {
        bound = d->server.bind_to_any_port(host);
    } else if (!d->server.bind_to_port(host, port)) {
        bound = -1;
    }
    d->server.set_socket_options(httplib::default_socket_options);
    if (bound < 0) {
        *error = "cannot listen on " + host + ":" + std::to_string(port) + " (is the address local, the port free?)";
        return -1;
    }
    if (listening != INVALID_SOCKET) {
        ::listen(listening, SOMAXCONN);
    }
    d->thread = std::thread([this] { d->server.listen_after_bind(); });
    return bound;
}

void PodServer::stop()
{
    if (d->thread.joinable()) {
        d->server.stop();
        d->thread.join();
    }
}

} // namespace Curtain::Backend
