#include "metrics/scrapesource.h"

#include "core/futures.h"

#include <QDateTime>

namespace Curtain::Metrics {

ScrapeSource::ScrapeSource(FetchRaw fetch, int intervalMs, qint64 windowMs, QObject *parent)
    : QObject(parent), m_fetch(std::move(fetch)), m_timer(this), m_windowMs(windowMs)
{
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ScrapeSource::scrapeNow);
}

void ScrapeSource::setReleases(const Core::ReleaseSnapshots &releases)
{
    QList<Target> targets;
    for (const Core::ReleaseSnapshot &release : releases) {
        for (Core::Color color : {Core::Color::Blue, Core::Color::Green}) {
            const Core::Environment &env = release.environment(color);
            if (!env.metricsPath.isEmpty()) {
                targets.append({release.key(), color, env.metricsPath, env.metricsVariant});
            }
        }
    }
    m_targets = targets;
}

void ScrapeSource::start()
{
    m_timer.start();
    scrapeNow();
}

void ScrapeSource::scrapeNow()
{
    for (const Target &target : std::as_const(m_targets)) {
        Core::onFinished(m_fetch(target.path), this, [this, target](const Core::Result<QByteArray> &reply) {
            if (!reply.ok()) {
                Q_EMIT scrapeFailed(target.release.toString(), reply.error().message);
                return;
            }
            const auto samples = parseExposition(reply.value());
            if (!samples.ok()) {
                Q_EMIT scrapeFailed(target.release.toString(), samples.error().message);
                return;
            }
            const WindowKey key{target.release, target.color};
            auto it = m_windows.find(key);
            if (it == m_windows.end()) {
                it = m_windows.insert(key, SlidingWindow(m_windowMs));
            }
            it->add(readCounters(samples.value(), QDateTime::currentMSecsSinceEpoch(), target.variant));
            publish(target.release);
        });
    }
}

void ScrapeSource::publish(const Core::ReleaseKey &release)
{
    Core::ReleaseMetrics metrics;
    metrics.release = release;
    metrics.blue = m_windows.value({release, Core::Color::Blue}).point();
    metrics.green = m_windows.value({release, Core::Color::Green}).point();
    Q_EMIT metricsUpdated(metrics);
}

} // namespace Curtain::Metrics
