using System.Security.Cryptography;
using Akka.Actor;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Kubernetes;

/// <summary>Member clusters registered at run time through labelled Secrets in the cluster DirectLB runs in.</summary>
public sealed partial class MemberClusterManager
{
    private bool _secretsListed;
    private bool _secretsReachable = true;

    /// <summary>The member clusters registered by Secrets are all known: the source is off, or it listed once and is reachable.</summary>
    private bool SecretsRead => _home is null || _secrets is null || (_secretsListed && _secretsReachable);

    /// <summary>Follows the labelled Secrets that register member clusters, when that source is enabled.</summary>
    private void WatchSecrets()
    {
        if (_home is null || _secrets is null)
        {
            return;
        }

        var informer = new ResourceInformer<V1Secret, V1SecretList>(
            $"home/secrets/{_secrets.Namespace}",
            (next, limit, ct) => _home.CoreV1.ListNamespacedSecretAsync(_secrets.Namespace, continueParameter: next, limit: limit, labelSelector: $"{MemberSecretsOptions.Label}=true", cancellationToken: ct),
            (rv, timeout, onError, ct) => _home.CoreV1.WatchListNamespacedSecretAsync(
                _secrets.Namespace, allowWatchBookmarks: true, labelSelector: $"{MemberSecretsOptions.Label}=true", resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            _informerOptions,
            _log);
        var inbox = new InformerInbox(Self);
        var stopping = _stopping.Token;
        _ = Task.Run(() => informer.RunAsync(inbox.TellAsync, stopping));
    }

    private void OnSecretEvent(InformerEvent<V1Secret> secretEvent)
    {
        switch (secretEvent)
        {
            case ObjectUpserted<V1Secret> upserted:
                FromSecret(upserted.Object);
                break;
            case ObjectDeleted<V1Secret> deleted when ClusterIdOf(deleted.Object) is var id && _members.TryGetValue(id, out var member) && member.Source.StartsWith("secret ", StringComparison.Ordinal):
                Remove(id);
                break;
            case InformerSynced<V1Secret>:
                (_secretsListed, _secretsReachable) = (true, true);
                break;
            case InformerDisconnected<V1Secret>:
                _secretsReachable = false;
                break;
        }
    }

    private void FromSecret(V1Secret secret)
    {
        var id = ClusterIdOf(secret);
        var source = $"secret {secret.Metadata.NamespaceProperty}/{secret.Metadata.Name}";
        if (_members.TryGetValue(id, out var existing) && !existing.Source.StartsWith("secret ", StringComparison.Ordinal))
        {
            _log.LogError("{ClusterId}: {Source} names a member cluster already configured by {Existing}; ignoring the Secret", id, source, existing.Source);
            return;
        }

        if (secret.Data?.TryGetValue(MemberSecretsOptions.KubeconfigKey, out var kubeconfig) != true || kubeconfig is null)
        {
            _log.LogError("{ClusterId}: {Source} has no '{Key}' entry; ignoring it", id, source, MemberSecretsOptions.KubeconfigKey);
            return;
        }

        var fingerprint = Convert.ToHexString(SHA256.HashData(kubeconfig));
        if (existing is not null && _secretFingerprints.GetValueOrDefault(id) == fingerprint)
        {
            return; // unchanged (a relist, or a change to labels only)
        }

        try
        {
            using var stream = new MemoryStream(kubeconfig);
            Add(new AddMemberCluster(id, KubernetesClientConfiguration.BuildConfigFromConfigFile(stream), source));
            _secretFingerprints[id] = fingerprint;
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "{ClusterId}: the kubeconfig in {Source} cannot be read; keeping what was there", id, source);
        }
    }

    private static string ClusterIdOf(V1Secret secret) =>
        secret.Metadata.Labels?.TryGetValue(MemberSecretsOptions.ClusterIdLabel, out var id) == true && !string.IsNullOrEmpty(id)
            ? id
            : secret.Metadata.Name;
}
