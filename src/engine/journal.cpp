#include "engine/journal.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLockFile>
#include <QStandardPaths>

namespace Curtain::Engine {

namespace {

QByteArray hashOf(const QByteArray &line)
{
    return QCryptographicHash::hash(line, QCryptographicHash::Sha256).toHex();
}

QString headPath(const QString &journal)
{
    return journal + QStringLiteral(".head");
}

struct Head
{
    qint64 lines = 0;
    QByteArray last;
};

Head readHead(const QString &journal)
{
    QFile file(headPath(journal));
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QJsonObject object = QJsonDocument::fromJson(file.read(4096)).object();
    return {object.value(QLatin1String("lines")).toInteger(),
            object.value(QLatin1String("last")).toString().toLatin1()};
}

} // namespace

Journal::Journal(QString path) : m_path(std::move(path))
{}

QString Journal::defaultPath()
{
    if (const QString given = qEnvironmentVariable("CURTAIN_JOURNAL"); !given.isEmpty()) {
        return given;
    }
    QString base;
#if defined(Q_OS_LINUX)
    if (!QStandardPaths::isTestModeEnabled()) {
        base = qEnvironmentVariable("XDG_STATE_HOME");
        if (base.isEmpty()) {
            base = QDir::homePath() + QStringLiteral("/.local/state");
        }
        base += QStringLiteral("/curtain");
    }
#endif
    if (base.isEmpty()) {
        base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    }
    return base + QStringLiteral("/journal.jsonl");
}

Core::Result<Core::Done> Journal::append(QJsonObject record)
{
    const auto failed = [this](const QString &why) {
        return Core::makeError(Core::ErrorKind::Server,
                               QStringLiteral("the journal %1 was not written: %2").arg(m_path, why));
    };
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath())) {
        return failed(QStringLiteral("its directory cannot be created"));
    }
    QLockFile lock(m_path + QStringLiteral(".lock"));
    lock.setStaleLockTime(10'000);
    if (!lock.tryLock(5'000)) {
        return failed(QStringLiteral("another process holds its lock file"));
    }
    const Head head = readHead(m_path);
    record.insert(QStringLiteral("prev"), QString::fromLatin1(head.last));
    const QByteArray line = QJsonDocument(record).toJson(QJsonDocument::Compact);
    QFile file(m_path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        return failed(file.errorString());
    }
    if (file.write(line + '\n') != line.size() + 1 || !file.flush()) {
        return failed(file.errorString());
    }
    file.close();
    QFile headFile(headPath(m_path));
    const QByteArray headText = QJsonDocument(QJsonObject{{QStringLiteral("lines"), head.lines + 1},
                                                          {QStringLiteral("last"), QString::fromLatin1(hashOf(line))}})
                                    .toJson(QJsonDocument::Compact);
    if (!headFile.open(QIODevice::WriteOnly | QIODevice::Truncate) || headFile.write(headText) != headText.size()) {
        return failed(headFile.errorString());
    }
    return Core::Done{};
}

Journal::Reading Journal::read() const
{
    Reading reading;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        return reading; // nothing recorded yet
    }
    QByteArray previousHash;
    qint64 number = 0;
    while (!file.atEnd()) {
        // readLine(max) would set aside `max` bytes for every line: read each as long as it is.
        QByteArray line = file.readLine();
        if (line.endsWith('\n')) {
            line.chop(1);
        }
        if (line.isEmpty()) {
            continue;
        }
        ++number;
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        if (!document.isObject()) {
            if (reading.problem.isEmpty()) {
                reading.problem = QStringLiteral("line %1 is not a record (%2)").arg(number).arg(error.errorString());
            }
            previousHash = hashOf(line);
            continue;
        }
        const QJsonObject record = document.object();
        if (reading.problem.isEmpty() && record.value(QLatin1String("prev")).toString().toLatin1() != previousHash) {
            reading.problem =
                QStringLiteral("line %1 does not follow the line before it: a line was changed or removed").arg(number);
        }
        previousHash = hashOf(line);
        reading.records.append(record);
    }
    const Head head = readHead(m_path);
    if (reading.problem.isEmpty() && head.lines != number) {
        reading.problem = QStringLiteral("the journal has %1 lines where it had %2: lines were removed at its end")
                              .arg(number)
                              .arg(head.lines);
    } else if (reading.problem.isEmpty() && head.last != previousHash) {
        reading.problem = QStringLiteral("line %1, the last, was changed").arg(number);
    }
    return reading;
}

} // namespace Curtain::Engine
