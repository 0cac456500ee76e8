#pragma once

#include "core/metricpoint.h"
#include "core/release.h"
#include "metrics/fetch.h"
#include "metrics/slidingwindow.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <utility>

namespace Curtain::Metrics {

// Reads each environment's Prometheus exposition directly (through the API server's service
// proxy) on a timer, and publishes request rate, error ratio and p50/p99 latency per release over a
// sliding window. Releases are told apart by namespace and name, so two same-named releases never
// share a window. Lives on the network thread.
class ScrapeSource final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScrapeSource)

public:
    ScrapeSource(FetchRaw fetch, int intervalMs = 2000, qint64 windowMs = 30'000, QObject *parent = nullptr);

    void setReleases(const Core::ReleaseSnapshots &releases);
    void start();
    void scrapeNow();

Q_SIGNALS:
    void metricsUpdated(const Curtain::Core::ReleaseMetrics &metrics);
    void scrapeFailed(const QString &release, const QString &message); // release as "namespace/name"

private:
    struct Target
    {
        Core::ReleaseKey release;
        Core::Color color;
        QString path;
        QString variant; // only samples with this variant label, when set
    };

    using WindowKey = std::pair<Core::ReleaseKey, Core::Color>;
    void publish(const Core::ReleaseKey &release);

    FetchRaw m_fetch;
    QTimer m_timer;
    qint64 m_windowMs;
    QList<Target> m_targets;
    QHash<WindowKey, SlidingWindow> m_windows;
};

} // namespace Curtain::Metrics
