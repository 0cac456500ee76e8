#pragma once

#include "core/history.h"
#include "engine/journal.h"

#include <QHash>
#include <QMutex>

namespace Curtain::Engine {

// One cluster's records in this machine's journal, by release, kept up with the file: each look
// verifies and parses only the lines appended since the last one. The console asks on every
// selection; reading the whole journal each time cost 20–25 ms per 4,000 records on the engine's
// thread. Safe to call from any thread (the history reads it on a worker).
class JournalIndex
{
    Q_DISABLE_COPY_MOVE(JournalIndex)

public:
    // `server` is the cluster's address as the journal's records name it.
    JournalIndex(QString journalPath, QString server);

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
    QHash<QString, QList<Core::HistoryEntry>> m_byRelease;
};

} // namespace Curtain::Engine
