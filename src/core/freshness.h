#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace Curtain::Core {

// How much the shown cluster data can be trusted right now. "Live" is a promise with a bound: the
// server was heard from (a list, a watch event or bookmark, or an answered heartbeat) within
// `boundSeconds`, and no watch has been reconnecting for longer than that. Otherwise the data is stale since
// `lastContact`, and `reason` says why in words a user can act on.
struct DataFreshness
{
    bool live = false;
    bool synced = false;   // every collection has been listed once
    QDateTime lastContact; // UTC; invalid before the first contact
    int boundSeconds = 15;
    QString reason; // empty while live

    qint64 ageSeconds(const QDateTime &now) const { return lastContact.isValid() ? lastContact.secsTo(now) : -1; }
};

} // namespace Curtain::Core

Q_DECLARE_METATYPE(Curtain::Core::DataFreshness)
