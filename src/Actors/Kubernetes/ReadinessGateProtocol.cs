using System.Collections.Immutable;
using DirectLB.Actors.Serialization;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// Asks, from any replica, which of DirectLB's Services in a member cluster select a pod about to be created (its
/// namespace and labels): the admission webhook adds one readiness gate per Service. The member-cluster singleton
/// hands it to that cluster's watcher; answered with <see cref="GatingServices"/>.
/// </summary>
public sealed record FindGatingServices(string ClusterId, string Namespace, ImmutableSortedDictionary<string, string> Labels) : IDirectLbMessage;

/// <summary>
/// The names of the Services (type LoadBalancer, of DirectLB's class, not being deleted) in the pod's namespace whose
/// selector matches its labels. <see cref="Unavailable"/> says why there is no answer (the member cluster is unknown,
/// or not listed yet); then <see cref="Services"/> is empty and means nothing.
/// </summary>
public sealed record GatingServices(string ClusterId, ImmutableArray<string> Services, string? Unavailable) : IDirectLbMessage;
