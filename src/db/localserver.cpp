#include "db/localserver.h"

#include "db/connection.h"
#include "db/sqltext.h"

#include <QCollator>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <mutex>

#include <pwd.h>
#include <sys/resource.h>
#include <unistd.h>

namespace Curtain::Db {

namespace {

const char *superuser = "curtain";
const int socketPort = 5432; // the socket's name only: the directory is private, so no other server meets it

} // namespace

QString postgresBinDir()
{
    QDir versions(QStringLiteral("/usr/lib/postgresql"));
    QStringList found = versions.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCollator numeric;
    numeric.setNumericMode(true);
    std::sort(found.begin(), found.end(),
              [&](const QString &a, const QString &b) { return numeric.compare(a, b) > 0; });
    for (const QString &version : found) {
        const QString bin = versions.filePath(version + QStringLiteral("/bin"));
        if (QFileInfo(bin + QStringLiteral("/initdb")).isExecutable()) {
            return bin;
        }
    }
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("initdb"));
    return onPath.isEmpty() ? QString() : QFileInfo(onPath).canonicalPath();
}

Core::Result<std::unique_ptr<LocalServer>> LocalServer::start(bool copyFirstInitdb, int niceness)
{
    std::unique_ptr<LocalServer> server(new LocalServer);
    server->m_binDir = postgresBinDir();
    if (server->m_binDir.isEmpty()) {
        return Core::makeError(Core::ErrorKind::NotFound,
                               QStringLiteral("PostgreSQL's server programs (initdb, pg_ctl) are not installed; on "
                                              "Debian: apt install postgresql (./scripts/setup does it)"));
    }
    QTemporaryDir directory(QDir::tempPath() + QStringLiteral("/curtain-postgres-XXXXXX"));
    if (!directory.isValid()) {
        return Core::makeError(
            Core::ErrorKind::Server,
            QStringLiteral("cannot make a directory for PostgreSQL: %1").arg(directory.errorString()));
    }
    directory.setAutoRemove(false); // ours now: removed in the destructor
    server->m_directory = directory.path();
    server->m_niceness = niceness;
    if (geteuid() == 0) {
        const passwd *owner = getpwnam("postgres");
        if (!owner) {
            owner = getpwnam("nobody");
        }
        if (!owner) {
            return Core::makeError(Core::ErrorKind::Refused,
                                   QStringLiteral("PostgreSQL refuses to run as root and neither a postgres nor a "
                                                  "nobody user exists to run it as"));
        }
        server->m_owner = QString::fromLocal8Bit(owner->pw_name);
        if (chown(QFile::encodeName(server->m_directory).constData(), owner->pw_uid, owner->pw_gid) != 0) {
            return Core::makeError(
                Core::ErrorKind::Server,
                QStringLiteral("cannot give %1 to the user %2").arg(server->m_directory, server->m_owner));
        }
    }
    const QString data = server->m_directory + QStringLiteral("/data");
    if (auto made = server->makeCluster(data, copyFirstInitdb); !made.ok()) {
        return made.error();
    }
    // Disposable data: no fsync; only the private socket, no TCP port to collide on.
    const QString options =
        QStringLiteral("-k '%1' -p %2 -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                       "-c full_page_writes=off -c max_connections=60")
            .arg(server->m_directory)
            .arg(socketPort);
    auto started =
        server->runAsOwner(QStringLiteral("pg_ctl"),
                           {QStringLiteral("-D"), data, QStringLiteral("-l"),
                            server->m_directory + QStringLiteral("/postgres.log"), QStringLiteral("-o"), options,
                            QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("start")},
                           90'000);
    if (!started.ok()) {
        return started.error();
    }
    server->m_running = true;
    return server;
}

namespace {

// The first fresh cluster this process made, kept for copies; removed when the process exits.
struct FirstCluster
{
    std::mutex lock;
    QString directory; // holds data/; empty until made
    ~FirstCluster()
    {
        if (!directory.isEmpty()) {
            QDir(directory).removeRecursively();
        }
    }
};

FirstCluster &firstCluster()
{
    static FirstCluster first;
    return first;
}

// `cp -a`: owner, modes and the 0700 data directory PostgreSQL insists on come along.
bool copyTree(const QString &from, const QString &to)
{
    QProcess copy;
    copy.start(QStringLiteral("cp"), {QStringLiteral("-a"), from, to});
    return copy.waitForFinished(60'000) && copy.exitStatus() == QProcess::NormalExit && copy.exitCode() == 0;
}

} // namespace

Core::Result<Core::Done> LocalServer::makeCluster(const QString &data, bool copyFirstInitdb)
{
    FirstCluster &first = firstCluster();
    std::unique_lock lock(first.lock, std::defer_lock);
    if (copyFirstInitdb) {
        lock.lock();
        if (!first.directory.isEmpty() && copyTree(first.directory + QStringLiteral("/data"), data)) {
            return Core::Done{};
        }
    }
    auto made = runAsOwner(QStringLiteral("initdb"),
                           {QStringLiteral("-D"), data, QStringLiteral("-U"), QString::fromLatin1(superuser),
                            QStringLiteral("-A"), QStringLiteral("trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                            QStringLiteral("--locale=C"), QStringLiteral("--no-sync")},
                           120'000);
    if (!made.ok()) {
        return made.error();
    }
    if (copyFirstInitdb && first.directory.isEmpty()) {
        QTemporaryDir kept(QDir::tempPath() + QStringLiteral("/curtain-postgres-first-XXXXXX"));
        kept.setAutoRemove(false);
        if (kept.isValid() && copyTree(data, kept.path() + QStringLiteral("/data"))) {
            first.directory = kept.path();
        } else if (kept.isValid()) {
            QDir(kept.path()).removeRecursively(); // no copies then: every server runs initdb
        }
    }
    return Core::Done{};
}

LocalServer::~LocalServer()
{
    if (m_running) {
        (void)runAsOwner(QStringLiteral("pg_ctl"),
                         {QStringLiteral("-D"), m_directory + QStringLiteral("/data"), QStringLiteral("-m"),
                          QStringLiteral("immediate"), QStringLiteral("-w"), QStringLiteral("stop")},
                         30'000);
    }
    if (!m_directory.isEmpty()) {
        QDir(m_directory).removeRecursively();
    }
}

Core::Result<QString> LocalServer::runAsOwner(const QString &program, const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(m_directory); // the owner may not enter ours
    const QString path = m_binDir + QLatin1Char('/') + program;
    if (m_niceness > 0) {
        const int niceness = m_niceness; // in the child, before runuser: what it starts inherits it
        process.setChildProcessModifier([niceness] { (void)::setpriority(PRIO_PROCESS, 0, niceness); });
    }
    if (m_owner.isEmpty()) {
        process.start(path, arguments);
    } else {
        process.start(QStringLiteral("runuser"),
                      QStringList{QStringLiteral("-u"), m_owner, QStringLiteral("--"), path} + arguments);
    }
    if (!process.waitForFinished(timeoutMs) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        process.kill();
        process.waitForFinished(5000);
        const QString output = QString::fromLocal8Bit(process.readAll()).trimmed();
        return Core::makeError(Core::ErrorKind::Server,
                               QStringLiteral("%1 failed (%2): %3")
                                   .arg(program,
                                        process.error() == QProcess::FailedToStart
                                            ? process.errorString()
                                            : QStringLiteral("exit %1").arg(process.exitCode()),
                                        output.right(800)));
    }
    return QString::fromLocal8Bit(process.readAll());
}

QString LocalServer::conninfo(const QString &database) const
{
    return QStringLiteral("host=%1 port=%2 user=%3 dbname=%4")
        .arg(m_directory)
        .arg(socketPort)
        .arg(QString::fromLatin1(superuser), database);
}

Core::Result<Core::Done> LocalServer::createDatabase(const QString &name)
{
    auto db = Connection::open(conninfo());
    if (!db.ok()) {
        return db.error();
    }
    return db.value()->execute(QStringLiteral("CREATE DATABASE %1").arg(ident(name)));
}

} // namespace Curtain::Db
