#pragma once

#include "core/result.h"

#include <QString>

#include <memory>

namespace Curtain::Db {

// A private PostgreSQL in a temporary directory, reached only through a unix socket in that
// directory: for the demo cluster's `orders` release and for tests. PostgreSQL refuses to run as
// root, so when this process is root the cluster belongs to the `postgres` user (else `nobody`) and
// its programs run through runuser. Stopped (immediately: the data is disposable) and removed when
// this object goes away.
class LocalServer
{
public:
    // Fails naming the Debian package when PostgreSQL's server programs are not installed.
    // `copyFirstInitdb`: initdb (a second or more) runs once in this process; later servers start
    // from a copy of that fresh cluster (for test suites that start one per test function).
    // `niceness`: initdb, pg_ctl and the server run at this nice value (the console's demo database
    // runs at 10, behind the window it serves).
    static Core::Result<std::unique_ptr<LocalServer>> start(bool copyFirstInitdb = false, int niceness = 0);
    ~LocalServer();
    LocalServer(const LocalServer &) = delete;
    LocalServer &operator=(const LocalServer &) = delete;

    // A libpq connection string for `database` as the cluster's superuser; no password (trust on
    // the private socket only).
    QString conninfo(const QString &database = QStringLiteral("postgres")) const;
    Core::Result<Core::Done> createDatabase(const QString &name);
    QString directory() const { return m_directory; }

private:
    LocalServer() = default;
    Core::Result<QString> runAsOwner(const QString &program, const QStringList &arguments, int timeoutMs);
    Core::Result<Core::Done> makeCluster(const QString &data, bool copyFirstInitdb);

    QString m_directory; // data/, the socket and the log live here
    QString m_owner;     // the user the cluster runs as; empty: this process's user
    QString m_binDir;
    bool m_running = false;
    int m_niceness = 0;
};

// Where PostgreSQL's server programs are (Debian: /usr/lib/postgresql/<version>/bin), else empty.
QString postgresBinDir();

} // namespace Curtain::Db
