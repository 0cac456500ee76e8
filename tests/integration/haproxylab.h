#pragma once

#include <QHash>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <vector>

namespace Curtain::Test {

// Real parts on loopback for the HAProxy tests: blue and green pods served by curtain-backend, and
// one or more HAProxy 2.6 instances (an HA pair is two) in master-worker mode, each with an admin
// runtime socket, a server-state file and a frontend, balancing the backend `catalog` between
// blue-1, blue-2 (weight 100) and green-1, green-2 (weight 0, in maintenance: not started yet), and
// sending the Host checkout.example to checkout_blue or checkout_green as bg.map says. The pods'
// metrics carry deployment=catalog-COLOR, what a plan's judge reads through Prometheus.
// Everything is stopped when the lab goes away.
class HAProxyLab
{
public:
    struct Options
    {
        int instances = 1;
        bool lastInstanceOperatorOnly = false; // its socket reads but refuses every `set` (level operator)
        bool lastInstanceMissing = false;      // the fleet file names a socket nobody listens on
        double greenErrorRate = 0;
        bool prometheus = false; // a Prometheus scraping every pod each second, named in the fleet file
    };

    HAProxyLab() = default;
    ~HAProxyLab();
    HAProxyLab(const HAProxyLab &) = delete;
    HAProxyLab &operator=(const HAProxyLab &) = delete;

    // Starts everything; the error names what failed (and the Debian package when a tool is missing).
    QString start(const Options &options);

    QString fleetFile() const { return m_dir.filePath(QStringLiteral("fleet.yaml")); }
    // bg.map: the Host checkout.example goes to checkout_blue or checkout_green (the map release).
    QString mapFile() const { return m_dir.filePath(QStringLiteral("bg.map")); }
    int webPort(int index) const { return m_instances.at(size_t(index)).webPort; }   // its frontend on 127.0.0.1
    QString socket(int index) const { return m_instances.at(size_t(index)).socket; } // its runtime API
    // One runtime API command to instance `index`, through its socket; the reply, or "ERROR: …".
    QString runtime(int index, const QString &command) const;
    // `show servers state` of `catalog` on instance `index`: server name → "weight/admin" ("100/ready").
    QHash<QString, QString> servers(int index) const;
    // Sends `count` real requests through instance `index`'s frontend: answers by color ("blue",
    // "green"), and "error" for anything but a 200 from a pod.
    QHash<QString, int> sample(int index, int count, const QByteArray &host = "lab") const;
    // HAProxy's own reload (SIGUSR2 to the master): the new worker reads the server-state file.
    bool reload(int index);
    // Tells a color's pods to fail their health checks (curtain-backend's /control).
    bool setHealthy(const QString &color, bool healthy) const;
    // Starts a steady load through instance `index` (wrk, 2 connections) that runs until the lab goes.
    QString startLoad(int index);

private:
    struct Instance
    {
        std::unique_ptr<QProcess> process;
        QString socket;
        int webPort = 0;
    };

    QString startPods(const QString &color, const QString &version, double errorRate);
    QString startInstance(int index, bool operatorOnly);
    QString writeFleetFile(const Options &options);
    QString startPrometheus();

    QTemporaryDir m_dir;
    std::vector<std::unique_ptr<QProcess>> m_pods;
    QHash<QString, QStringList> m_podAddresses; // color → "127.0.0.1:port" per pod, in order
    std::vector<Instance> m_instances;
    std::unique_ptr<QProcess> m_prometheus;
    int m_prometheusPort = 0;
    std::unique_ptr<QProcess> m_load;
};

} // namespace Curtain::Test
