#pragma once

#include "engine/releasesource.h"

#include <QList>
#include <QObject>

namespace Curtain::Test {

// Every releasesChanged of a source, recorded on the test's own thread. A QSignalSpy appends where
// the signal is emitted, and an engine emits on its network thread while the test reads the list:
// AddressSanitizer caught the test reading a list the network thread had just reallocated.
class ReleasesSeen final : public QObject
{
public:
    explicit ReleasesSeen(Engine::ReleaseSource *source)
    {
        connect(
            source, &Engine::ReleaseSource::releasesChanged, this,
            [this](const Core::ReleaseSnapshots &releases) { m_seen.append(releases); }, Qt::QueuedConnection);
    }
    const QList<Core::ReleaseSnapshots> &all() const { return m_seen; }

private:
    QList<Core::ReleaseSnapshots> m_seen;
};

} // namespace Curtain::Test
