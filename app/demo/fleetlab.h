#pragma once

#include <QHash>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <vector>

namespace Curtain::Demo {

// A blue-green lab on real parts, all on loopback — the console's "lab" context and the HAProxy
// tests open it: blue and green pods served by curtain-backend, and one or more HAProxy 2.6
// instances (an HA pair is two) in master-worker mode, each with an admin runtime socket, a
// server-state file and a frontend, balancing the backend `catalog` between blue-1, blue-2
// (weight 100) and green-1, green-2 (weight 0, in maintenance: not started yet), and sending the
// Host checkout.example to checkout_blue or checkout_green as bg.map says. The pods' metrics carry
// deployment=catalog-COLOR, what a plan's judge reads through Prometheus. The fleet file Curtain
// reads is written last.
//
// Every process is stopped when the lab goes away, and on Linux also when the thread that started
// it ends: start and destroy a lab on the same long-lived thread.
class FleetLab
{
public:
    struct Options
    {
        QString backendProgram; // curtain-backend
        int instances = 1;
        bool lastInstanceOperatorOnly = false; // fault drills: its socket reads but refuses every `set`
        bool lastInstanceMissing = false;      // fault drills: the fleet file names a socket nobody listens on
        double greenErrorRate = 0;
        QString latency = QStringLiteral("1ms"); // the pods' median and 99th percentile
        QString p99 = QStringLiteral("5ms");
        bool prometheus = false;    // a Prometheus scraping every pod each second, named in the fleet file
        bool writeMapFiles = false; // the fleet file says the map file is on this machine (it is)
        QString checkInterval = QStringLiteral("200ms"); // every server's health-check interval (inter)
    };

    FleetLab() = default;
    ~FleetLab();
    FleetLab(const FleetLab &) = delete;
    FleetLab &operator=(const FleetLab &) = delete;

    // What stops a lab from starting here ("haproxy is missing: install the Debian package haproxy"),
    // or empty.
    static QString unavailable(const QString &backendProgram);

    // Starts everything; the error names what failed (and the Debian package when a tool is missing).
    QString start(const Options &options);
    // A steady load through instance `index` (wrk, `connections` connections) until the lab goes.
    QString startLoad(int index, int connections = 2);

    QString directory() const { return m_dir.path(); }
    QString fleetFile() const { return m_dir.filePath(QStringLiteral("fleet.yaml")); }
    // bg.map: the Host checkout.example goes to checkout_blue or checkout_green (the map release).
    QString mapFile() const { return m_dir.filePath(QStringLiteral("bg.map")); }
    int webPort(int index) const { return m_instances.at(size_t(index)).webPort; }   // its frontend on 127.0.0.1
    QString socket(int index) const { return m_instances.at(size_t(index)).socket; } // its runtime API
    qint64 masterPid(int index) const { return m_instances.at(size_t(index)).process->processId(); }
    QStringList podAddresses(const QString &color) const { return m_podAddresses.value(color); } // host:port
    int prometheusPort() const { return m_prometheusPort; }
    // One runtime API command to instance `index`, through its socket; the reply, or "ERROR: …".
    QString runtime(int index, const QString &command) const;

private:
    struct Instance
    {
        std::unique_ptr<QProcess> process;
        QString socket;
        int webPort = 0;
    };

    QString startPods(const Options &options, const QString &color, const QString &version, double errorRate);
    QString startInstance(int index, bool operatorOnly);
    QString writeFleetFile(const Options &options);
    QString startPrometheus();

    QTemporaryDir m_dir;
    std::vector<std::unique_ptr<QProcess>> m_pods;
    QHash<QString, QStringList> m_podAddresses; // color → "127.0.0.1:port" per pod, in order
    QString m_checkInterval;
    std::vector<Instance> m_instances;
    std::unique_ptr<QProcess> m_prometheus;
    int m_prometheusPort = 0;
    std::unique_ptr<QProcess> m_load;
};

} // namespace Curtain::Demo
