#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

class QFile;

namespace Curtain::Engine {

// This machine's record of every action Curtain took, because the cluster forgets its Events after
// about an hour. JSON lines, append-only; each line carries in "prev" the SHA-256 of the line before
// it (the first line an empty "prev"), and a head file beside it keeps the count and the last hash,
// so an edited, removed or cut-off line is detected. Several consoles and curtainctl runs may append
// at once: each append holds a lock file.
class Journal
{
public:
    explicit Journal(QString path = defaultPath());

    // $CURTAIN_JOURNAL when set; else the user's state directory (XDG_STATE_HOME on Linux, the
    // application data location elsewhere, Qt 6.4 having no state location) + curtain/journal.jsonl.
    static QString defaultPath();
    const QString &path() const { return m_path; }

    Core::Result<Core::Done> append(QJsonObject record);

    struct Reading
    {
        QList<QJsonObject> records; // oldest first
        // Empty when the chain holds; else where it breaks, e.g. "line 7 was changed or a line
        // before it removed". Records are still returned: the history is shown with the warning.
        QString problem;
        // readFrom only: the file was shorter than where the last reading stopped (replaced or cut),
        // so this reading started again from its first line and the caller's earlier records are void.
        bool restarted = false;
    };
    Reading read() const;

    // Where a reading stopped, so that the next one verifies and parses only the lines appended
    // since: a console that shows history on every selection must not read a year's journal each time.
    struct Cursor
    {
        qint64 offset = 0;         // bytes consumed: whole lines only
        qint64 lastLineStart = -1; // where the last line read begins
        qint64 lines = 0;
        QByteArray lastHash;
        QString chainProblem; // the first break found so far; it stays found
    };
    // The lines after `cursor`, which moves past them. The last line read is read and hashed again
    // first: when it changed, or the file is shorter (replaced, cut), the reading starts over from
    // the first line and says so (`restarted`), and the checks of a whole reading name the change.
    // A change to an earlier line is found by a whole reading (JournalIndex makes one now and then).
    // A last line without its newline (an append cut off) is reported and left for the next reading.
    // Reads under the appenders' lock file, so that a line and its head are seen together.
    Reading readFrom(Cursor &cursor) const;

private:
    bool continuesAt(QFile &file, const Cursor &cursor) const;
    static void readLines(const QByteArray &text, Cursor &cursor, Reading &reading);
    QString m_path;
};

} // namespace Curtain::Engine
