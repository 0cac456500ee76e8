#pragma once

#include "core/history.h"
#include "engine/journal.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>

#include <chrono>

namespace Curtain::Engine {

// One cluster's records in this machine's journal, by release, kept up with the file: each look
// verifies and parses only the lines appended since the last one. The console asks on every
// selection; reading the whole journal each time cost 20–25 ms per 4,000 records on the engine's
// thread. Safe to call from any thread (the history reads it on a worker).
class JournalIndex
{
    Q_DISABLE_COPY_MOVE(JournalIndex)

public:
    // `server` is the cluster's address as the journal's records name it. A look after
    // `wholeReadingEvery` reads and verifies the whole journal again: a line changed before the last
    // one is found then (Journal::readFrom finds a changed last line at once).
    JournalIndex(QString journalPath, QString server,
                 std::chrono::milliseconds wholeReadingEvery = std::chrono::minutes(1));

    struct Found
    {
        QList<Core::HistoryEntry> entries; // oldest first
        QString problem;                   // the journal's, as Journal::Reading::problem
    };
    Found entriesOf(const QString &namespaceName, const QString &release);

private:
    static QString keyOf(const QString &namespaceName, const QString &release);

    QMutex m_mutex;
    Journal m_journal;
    QString m_server;
    Journal::Cursor m_cursor;
    std::chrono::milliseconds m_wholeReadingEvery;
    QElapsedTimer m_sinceWholeReading; // invalid until the first
    QHash<QString, QList<Core::HistoryEntry>> m_byRelease;
};

} // namespace Curtain::Engine
