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
    Cursor cursor;
    return readFrom(cursor);
}

bool Journal::continuesAt(QFile &file, const Cursor &cursor) const
{
    if (file.size() < cursor.offset) {
        return false;
    }
    if (cursor.lastLineStart < 0) {
        return true; // only empty lines read so far
    }
    if (!file.seek(cursor.lastLineStart)) {
        return false;
    }
    const QByteArray last = file.read(cursor.offset - cursor.lastLineStart);
    return last.endsWith('\n') && hashOf(last.chopped(1)) == cursor.lastHash;
}

Journal::Reading Journal::readFrom(Cursor &cursor) const
{
    Reading reading;
    // The lock an append holds while it writes its line and then the head: without it a reading
    // between the two would see a line the head does not count yet. A journal in a place this
    // process cannot write is read without it.
    QLockFile lock(m_path + QStringLiteral(".lock"));
    lock.setStaleLockTime(10'000);
    const bool locked = lock.tryLock(2'000);
    Q_UNUSED(locked)
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        return reading; // nothing recorded yet
    }
    if (cursor.offset > 0 && !continuesAt(file, cursor)) {
        cursor = Cursor{};
        reading.restarted = true;
    }
    if (!file.seek(cursor.offset)) {
        reading.problem = QStringLiteral("the journal cannot be read: %1").arg(file.errorString());
        return reading;
    }
    // One read and a scan for newlines: readLine() grows its buffer step by step for every line.
    const QByteArray text = file.readAll();
    readLines(text, cursor, reading);
    reading.problem = cursor.chainProblem;
    if (!reading.problem.isEmpty()) {
        return reading;
    }
    const Head head = readHead(m_path);
    if (cursor.offset < file.pos()) {
        reading.problem =
            QStringLiteral("line %1 has no end of line: an append was cut off or is under way").arg(cursor.lines + 1);
    } else if (head.lines != cursor.lines) {
        reading.problem = QStringLiteral("the journal has %1 lines where it had %2: lines were removed at its end")
                              .arg(cursor.lines)
                              .arg(head.lines);
    } else if (head.last != cursor.lastHash) {
        reading.problem = QStringLiteral("line %1, the last, was changed").arg(cursor.lines);
    }
    return reading;
}

void Journal::readLines(const QByteArray &text, Cursor &cursor, Reading &reading)
{
    qsizetype start = 0;
    qsizetype end = 0;
    while ((end = text.indexOf('\n', start)) >= 0) {
        // A view into `text`: no copy per line.
        const QByteArray line = QByteArray::fromRawData(text.constData() + start, end - start);
        const qint64 lineStart = cursor.offset;
        start = end + 1;
        cursor.offset += line.size() + 1;
        if (line.isEmpty()) {
            continue;
        }
        ++cursor.lines;
        cursor.lastLineStart = lineStart;
        const QByteArray hash = hashOf(line);
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        if (!document.isObject()) {
            if (cursor.chainProblem.isEmpty()) {
                cursor.chainProblem =
                    QStringLiteral("line %1 is not a record (%2)").arg(cursor.lines).arg(error.errorString());
            }
            cursor.lastHash = hash;
            continue;
        }
        QJsonObject record = document.object();
        if (cursor.chainProblem.isEmpty() &&
            record.value(QLatin1String("prev")).toString().toLatin1() != cursor.lastHash) {
            cursor.chainProblem =
                QStringLiteral("line %1 does not follow the line before it: a line was changed or removed")
                    .arg(cursor.lines);
        }
        cursor.lastHash = hash;
        reading.records.append(std::move(record));
    }
}

} // namespace Curtain::Engine
