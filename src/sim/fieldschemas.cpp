#include "sim/fieldschemas.h"

namespace Curtain::Sim {

namespace {

// Every schema, built once; each refers to the others by address.
struct Schemas
{
    FieldSchema objectMeta;
    FieldSchema labelSelector;
    FieldSchema labelSelectorRequirement;
    FieldSchema containerPort;
    FieldSchema envVar;
    FieldSchema resources;
    FieldSchema volumeMount;
    FieldSchema container;
    FieldSchema podSpec;
    FieldSchema podTemplate;
    FieldSchema rollingUpdate;
    FieldSchema deploymentStrategy;
    FieldSchema deploymentSpec;
    FieldSchema replicaSetSpec;
    FieldSchema servicePort;
    FieldSchema serviceSpec;
    FieldSchema scaleSpec;

    Schemas();
};

Schemas::Schemas()
{
    objectMeta.fields = {{"name", nullptr},
                         {"generateName", nullptr},
                         {"namespace", nullptr},
                         {"selfLink", nullptr},
                         {"uid", nullptr},
                         {"resourceVersion", nullptr},
                         {"generation", nullptr},
                         {"creationTimestamp", nullptr},
                         {"deletionTimestamp", nullptr},
                         {"deletionGracePeriodSeconds", nullptr},
                         {"labels", nullptr},
                         {"annotations", nullptr},
                         {"ownerReferences", nullptr},
                         {"finalizers", nullptr},
                         {"managedFields", nullptr}};
    scaleSpec.fields = {{"replicas", nullptr}};
    labelSelectorRequirement.fields = {{"key", nullptr}, {"operator", nullptr}, {"values", nullptr}};
    labelSelector.fields = {{"matchLabels", nullptr}, {"matchExpressions", &labelSelectorRequirement}};
    containerPort.fields = {{"name", nullptr},
                            {"hostPort", nullptr},
                            {"containerPort", nullptr},
                            {"protocol", nullptr},
                            {"hostIP", nullptr}};
    envVar.fields = {{"name", nullptr}, {"value", nullptr}, {"valueFrom", nullptr}};
    resources.fields = {{"limits", nullptr}, {"requests", nullptr}, {"claims", nullptr}};
    volumeMount.fields = {{"name", nullptr},       {"readOnly", nullptr}, {"recursiveReadOnly", nullptr},
                          {"mountPath", nullptr},  {"subPath", nullptr},  {"mountPropagation", nullptr},
                          {"subPathExpr", nullptr}};
    container.fields = {{"name", nullptr},
                        {"image", nullptr},
                        {"command", nullptr},
                        {"args", nullptr},
                        {"workingDir", nullptr},
                        {"ports", &containerPort},
                        {"envFrom", nullptr},
                        {"env", &envVar},
                        {"resources", &resources},
                        {"resizePolicy", nullptr},
                        {"restartPolicy", nullptr},
                        {"restartPolicyRules", nullptr},
                        {"volumeMounts", &volumeMount},
                        {"volumeDevices", nullptr},
                        {"livenessProbe", nullptr},
                        {"readinessProbe", nullptr},
                        {"startupProbe", nullptr},
                        {"lifecycle", nullptr},
                        {"terminationMessagePath", nullptr},
                        {"terminationMessagePolicy", nullptr},
                        {"imagePullPolicy", nullptr},
                        {"securityContext", nullptr},
                        {"stdin", nullptr},
                        {"stdinOnce", nullptr},
                        {"tty", nullptr}};
    podSpec.fields = {{"volumes", nullptr},
                      {"initContainers", &container},
                      {"containers", &container},
                      {"ephemeralContainers", nullptr},
                      {"restartPolicy", nullptr},
                      {"terminationGracePeriodSeconds", nullptr},
                      {"activeDeadlineSeconds", nullptr},
                      {"dnsPolicy", nullptr},
                      {"nodeSelector", nullptr},
                      {"serviceAccountName", nullptr},
                      {"serviceAccount", nullptr},
                      {"automountServiceAccountToken", nullptr},
                      {"nodeName", nullptr},
                      {"hostNetwork", nullptr},
                      {"hostPID", nullptr},
                      {"hostIPC", nullptr},
                      {"shareProcessNamespace", nullptr},
                      {"securityContext", nullptr},
                      {"imagePullSecrets", nullptr},
                      {"hostname", nullptr},
                      {"hostnameOverride", nullptr},
                      {"subdomain", nullptr},
                      {"affinity", nullptr},
                      {"schedulerName", nullptr},
                      {"tolerations", nullptr},
                      {"hostAliases", nullptr},
                      {"priorityClassName", nullptr},
                      {"priority", nullptr},
                      {"dnsConfig", nullptr},
                      {"readinessGates", nullptr},
                      {"runtimeClassName", nullptr},
                      {"enableServiceLinks", nullptr},
                      {"preemptionPolicy", nullptr},
                      {"overhead", nullptr},
                      {"topologySpreadConstraints", nullptr},
                      {"setHostnameAsFQDN", nullptr},
                      {"os", nullptr},
                      {"hostUsers", nullptr},
                      {"schedulingGates", nullptr},
                      {"resourceClaims", nullptr},
                      {"resources", nullptr}};
    podTemplate.fields = {{"metadata", &objectMeta}, {"spec", &podSpec}};
    rollingUpdate.fields = {{"maxUnavailable", nullptr}, {"maxSurge", nullptr}};
    deploymentStrategy.fields = {{"type", nullptr}, {"rollingUpdate", &rollingUpdate}};
    deploymentSpec.fields = {{"replicas", nullptr},        {"selector", &labelSelector},
                             {"template", &podTemplate},   {"strategy", &deploymentStrategy},
                             {"minReadySeconds", nullptr}, {"revisionHistoryLimit", nullptr},
                             {"paused", nullptr},          {"progressDeadlineSeconds", nullptr}};
    replicaSetSpec.fields = {
        {"replicas", nullptr}, {"minReadySeconds", nullptr}, {"selector", &labelSelector}, {"template", &podTemplate}};
    servicePort.fields = {{"name", nullptr}, {"protocol", nullptr},   {"appProtocol", nullptr},
                          {"port", nullptr}, {"targetPort", nullptr}, {"nodePort", nullptr}};
    serviceSpec.fields = {{"ports", &servicePort},
                          {"selector", nullptr},
                          {"clusterIP", nullptr},
                          {"clusterIPs", nullptr},
                          {"type", nullptr},
                          {"externalIPs", nullptr},
                          {"sessionAffinity", nullptr},
                          {"loadBalancerIP", nullptr},
                          {"loadBalancerSourceRanges", nullptr},
                          {"externalName", nullptr},
                          {"externalTrafficPolicy", nullptr},
                          {"healthCheckNodePort", nullptr},
                          {"publishNotReadyAddresses", nullptr},
                          {"sessionAffinityConfig", nullptr},
                          {"ipFamilies", nullptr},
                          {"ipFamilyPolicy", nullptr},
                          {"allocateLoadBalancerNodePorts", nullptr},
                          {"loadBalancerClass", nullptr},
                          {"internalTrafficPolicy", nullptr},
                          {"trafficDistribution", nullptr}};
}

const Schemas &schemas()
{
    static const Schemas all;
    return all;
}

} // namespace

const FieldSchema *specSchema(const ResourceType &type)
{
    if (!type.builtin) {
        return nullptr;
    }
    if (type.kind == "Deployment") {
        return &schemas().deploymentSpec;
    }
    if (type.kind == "ReplicaSet") {
        return &schemas().replicaSetSpec;
    }
    if (type.kind == "Pod") {
        return &schemas().podSpec;
    }
    if (type.kind == "Service") {
        return &schemas().serviceSpec;
    }
    if (type.kind == "Scale") {
        return &schemas().scaleSpec;
    }
    return nullptr;
}

const FieldSchema &objectMetaSchema()
{
    return schemas().objectMeta;
}

} // namespace Curtain::Sim
