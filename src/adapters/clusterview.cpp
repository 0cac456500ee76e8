#include "adapters/clusterview.h"

#include "adapters/conventions.h"

namespace Curtain::Adapters {

namespace {

QString key(const QString &a, const QString &b, const QString &c = {})
{
    QString joined = a + QLatin1Char('/') + b;
    if (!c.isNull()) {
        joined += QLatin1Char('/') + c;
    }
    return joined;
}

} // namespace

const ClusterView::Index &ClusterView::index() const
{
    if (m_index.built) {
        return m_index;
    }
    for (const Kube::Json &d : deployments) {
        m_index.deploymentsByName.insert(key(Kube::objectNamespace(d), Kube::objectName(d)), &d);
        const QString release = Kube::label(d, Conventions::releaseLabel);
        if (!release.isEmpty()) {
            m_index.deployments.insert(key(Kube::objectNamespace(d), release, Kube::label(d, Conventions::colorLabel)),
                                       &d);
        }
    }
    for (const Kube::Json &s : services) {
        const QString ns = Kube::objectNamespace(s);
        m_index.services.insert(key(ns, Kube::objectName(s)), &s);
        const QString release = Kube::label(s, Conventions::releaseLabel);
        const QString color = Kube::label(s, Conventions::colorLabel);
        if (!release.isEmpty() && !color.isEmpty()) {
            m_index.colorServices.insert(key(ns, release, color), &s);
        }
    }
    m_index.built = true;
    return m_index;
}

const Kube::Json *ClusterView::deploymentFor(const QString &ns, const QString &release, const QString &color) const
{
    return index().deployments.value(key(ns, release, color));
}

const Kube::Json *ClusterView::colorServiceFor(const QString &ns, const QString &release, const QString &color) const
{
    return index().colorServices.value(key(ns, release, color));
}

const Kube::Json *ClusterView::deployment(const QString &ns, const QString &name) const
{
    return index().deploymentsByName.value(key(ns, name));
}

const Kube::Json *ClusterView::service(const QString &ns, const QString &name) const
{
    return index().services.value(key(ns, name));
}

} // namespace Curtain::Adapters
