#include "metrics/scrapesource.h"

#include "core/futures.h"

#include "kube/kubeclient.h"

#include <QDateTime>

namespace Curtain::Metrics {

ScrapeSource::ScrapeSource(Kube::KubeClient *client, int intervalMs, qint64 windowMs, QObject *parent)
    : QObject(parent), m_client(client), m_timer(this), m_windowMs(windowMs)
{
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ScrapeSource::scrapeNow);
}

QString ScrapeSource::key(const QString &release, Core::Color color)
{
    return release + QLatin1Char('/') + Core::colorName(color);
}

void ScrapeSource::setReleases(const Core::ReleaseSnapshots &releases)
{
    QList<Target> targets;
    for (const Core::ReleaseSnapshot &release : releases) {
        for (Core::Color color : {Core::Color::Blue, Core::Color::Green}) {
            const Core::Environment &env = release.environment(color);
            if (!env.metricsPath.isEmpty()) {
                targets.append({release.name, color, env.metricsPath});
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
        Core::onFinished(m_client->getRaw(target.path), this, [this, target](const Core::Result<QByteArray> &reply) {
            if (!reply.ok()) {
                Q_EMIT scrapeFailed(target.release, reply.error().message);
                return;
            }
            const auto samples = parseExposition(reply.value());
            if (!samples.ok()) {
                Q_EMIT scrapeFailed(target.release, samples.error().message);
                return;
            }
            auto it = m_windows.find(key(target.release, target.color));
            if (it == m_windows.end()) {
                it = m_windows.insert(key(target.release, target.color), SlidingWindow(m_windowMs));
            }
            it->add(readCounters(samples.value(), QDateTime::currentMSecsSinceEpoch()));
            publish(target.release);
        });
    }
}

void ScrapeSource::publish(const QString &release)
{
    Core::ReleaseMetrics metrics;
    metrics.release = release;
    metrics.blue = m_windows.value(key(release, Core::Color::Blue)).point();
    metrics.green = m_windows.value(key(release, Core::Color::Green)).point();
    Q_EMIT metricsUpdated(metrics);
}

} // namespace Curtain::Metrics
