#include "fakeplanparts.h"

#include "core/futures.h"

namespace Curtain::Test {

using Core::Result;
using Kube::Json;

namespace {

template <typename T>
QFuture<Result<T>> ready(Result<T> value)
{
    return Core::readyFuture(std::move(value));
}

} // namespace

FakeReleases::FakeReleases()
{
    release.name = QStringLiteral("catalog");
    release.namespaceName = QStringLiteral("demo");
    release.routeKind = Core::RouteKind::HttpRoute;
    release.routeName = QStringLiteral("catalog");
    release.routePath = QStringLiteral("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog");
    release.routeResourceVersion = QStringLiteral("1");
    for (Core::Environment *env : {&release.blue, &release.green}) {
        const bool blue = env == &release.blue;
        env->color = blue ? Core::Color::Blue : Core::Color::Green;
        env->present = true;
        env->deployment = blue ? QStringLiteral("catalog-blue") : QStringLiteral("catalog-green");
        env->version = blue ? QStringLiteral("v1.4.0") : QStringLiteral("v1.5.0");
        env->desiredReplicas = env->readyReplicas = 2;
        env->trafficPercent = blue ? 100 : 0;
    }
    release.stable = Core::Color::Blue;
}

Result<Core::ReleaseSnapshot> FakeReleases::currentRelease(const QString &key) const
{
    if (gone || (key != release.name && key != release.namespaceName + QLatin1Char('/') + release.name)) {
        return Core::makeError(Core::ErrorKind::NotFound, QStringLiteral("no release named \"%1\"").arg(key));
    }
    return release;
}

void FakeReleases::setCandidateWeight(int weight)
{
    release.environment(release.candidate()).trafficPercent = weight;
    release.environment(release.stable).trafficPercent = 100 - weight;
    release.routeResourceVersion = QString::number(release.routeResourceVersion.toInt() + 1);
}

QFuture<Result<Core::ActionOutcome>> FakeReleases::perform(Core::ActionRequest request)
{
    performed << request;
    if (conflicts > 0) {
        --conflicts;
        return ready<Core::ActionOutcome>(
            Core::makeError(Core::ErrorKind::Conflict, QStringLiteral("catalog was changed by someone else"), 409));
    }
    const Core::ReleaseSnapshot before = release;
    switch (request.kind) {
    case Core::ActionKind::SetWeight:
        setCandidateWeight(request.weight);
        break;
    case Core::ActionKind::Rollback:
        setCandidateWeight(0);
        break;
    case Core::ActionKind::Promote:
        setCandidateWeight(100);
        release.previous = release.stable;
        release.stable = release.candidate();
        break;
    default:
        return ready<Core::ActionOutcome>(
            Core::makeError(Core::ErrorKind::Refused, QStringLiteral("not an action a plan sends")));
    }
    return ready<Core::ActionOutcome>(Core::ActionOutcome{request, before, release, QStringLiteral("done")});
}

FakeTraffic::FakeTraffic(const Bench::TrafficParams &params, const FakeReleases *releases, Core::Clock *clock)
    : m_traffic(params, 7), m_releases(releases), m_clock(clock), m_startMs(clock->nowMs())
{}

void FakeTraffic::sample(const Core::ReleaseSnapshot &, Callback done)
{
    if (down) {
        return done(Core::makeError(Core::ErrorKind::Unreachable, QStringLiteral("connection refused")));
    }
    // Every second up to now, at the weight the route has now.
    while (m_traffic.now() * 1000 < double(m_clock->nowMs() - m_startMs)) {
        m_traffic.advance(m_releases->release.candidateWeight());
    }
    done(Core::CanarySample{m_clock->nowMs(), m_traffic.stable().toArm(), m_traffic.canary().toArm()});
}

} // namespace Curtain::Test
