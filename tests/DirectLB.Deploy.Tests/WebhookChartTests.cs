using System.Security.Cryptography.X509Certificates;
using System.Text;
using DirectLB.Deploy.Tests.Rendering;
using Xunit;

namespace DirectLB.Deploy.Tests;

/// <summary>The readiness gate webhook as the chart installs it: never in a pod's way, and served with a certificate the API server trusts.</summary>
public class WebhookChartTests
{
    private const string CertManager = "webhook: { certManager: { enabled: true } }";

    private static Dictionary<string, object?> Webhook(IReadOnlyList<RenderedDocument> documents) =>
        documents.Single("MutatingWebhookConfiguration").Tree.Maps("webhooks").Single();

    private static Dictionary<string, object?> Container(IReadOnlyList<RenderedDocument> documents) =>
        documents.Single("StatefulSet").Tree.Maps("spec.template.spec.containers").Single();

    private static string Decoded(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64));

    [Fact]
    public void The_webhook_never_blocks_a_pod_and_is_called_only_for_pod_creation_in_labelled_namespaces()
    {
        var webhook = Webhook(Repository.Chart.Render());

        Assert.Equal("Ignore", webhook.Str("failurePolicy"));
        Assert.Equal("None", webhook.Str("sideEffects"));
        Assert.Equal(["v1"], webhook.Strings("admissionReviewVersions"));
        Assert.InRange((long)webhook.At("timeoutSeconds")!, 1L, 10L);
        // Label keys hold dots, so they are looked up in the map, not along a dotted path.
        Assert.Equal("enabled", webhook.Map("namespaceSelector.matchLabels")["directlb.io/readiness-gate-inject"]);
        Assert.False(webhook.ContainsKey("objectSelector"));
        var rule = webhook.Maps("rules").Single();
        Assert.Equal([""], rule.Strings("apiGroups"));
        Assert.Equal(["v1"], rule.Strings("apiVersions"));
        Assert.Equal(["CREATE"], rule.Strings("operations"));
        Assert.Equal(["pods"], rule.Strings("resources"));
    }

    [Fact]
    public void The_API_server_reaches_the_pods_webhook_port_through_the_webhook_Service_on_the_cluster_id_path()
    {
        var documents = Repository.Chart.Render("clusterId: mgmt");
        var client = Webhook(documents).Map("clientConfig.service");
        var service = documents.OfKind("Service").Single(document => document.Name == client.Str("name")).Tree;

        Assert.Equal("/mutate-pods/mgmt", client.Str("path"));
        Assert.Contains("--cluster-id=mgmt", Container(documents).Strings("args"));
        Assert.Equal("directlb", client.Str("namespace"));
        var port = service.Maps("spec.ports").Single();
        Assert.Equal(client.At("port"), port.At("port"));
        Assert.Contains(Container(documents).Maps("ports"), p => p.Str("name") == port.Str("targetPort") && Equals(p.At("containerPort"), 9443L));
        Assert.Contains("--webhook-listen=0.0.0.0:9443", Container(documents).Strings("args"));
        Assert.Equal(
            PlainTree.Canonical(documents.Single("StatefulSet").Tree.At("spec.selector.matchLabels")),
            PlainTree.Canonical(service.At("spec.selector")));
    }

    [Fact]
    public void The_generated_certificate_names_the_webhook_Service_and_chains_to_the_caBundle()
    {
        var documents = Repository.Chart.Render(releaseNamespace: "lb-system");
        var secret = documents.Single("Secret").Tree;
        var data = secret.Map("data");
        var caBundle = X509Certificate2.CreateFromPem(Decoded(Webhook(documents).Str("clientConfig.caBundle")));
        using var served = X509Certificate2.CreateFromPem(Decoded((string)data["tls.crt"]!), Decoded((string)data["tls.key"]!));

        Assert.Equal("kubernetes.io/tls", secret.Str("type"));
        Assert.True(served.HasPrivateKey);
        Assert.True(Certificates.Chains(served, caBundle));
        Assert.Contains("directlb-webhook.lb-system.svc", Certificates.DnsNames(served));
        Assert.Equal(caBundle.Thumbprint, X509Certificate2.CreateFromPem(Decoded((string)data["ca.crt"]!)).Thumbprint);
        AssertMountedAsTheWebhookCertificate(documents, secret.Str("metadata.name"));
    }

    [Fact]
    public void With_cert_manager_a_Certificate_from_a_self_signed_Issuer_and_the_CA_bundle_injected()
    {
        var documents = Repository.Chart.Render(CertManager);
        var certificate = documents.Single("Certificate").Tree;

        Assert.Empty(documents.OfKind("Secret"));
        Assert.Equal(["directlb-webhook.directlb.svc", "directlb-webhook.directlb.svc.cluster.local"], certificate.Strings("spec.dnsNames"));
        Assert.Equal(documents.Single("Issuer").Name, certificate.Str("spec.issuerRef.name"));
        Assert.True(documents.Single("Issuer").Tree.ContainsKey("spec") && documents.Single("Issuer").Tree.Map("spec").ContainsKey("selfSigned"));
        var configuration = documents.Single("MutatingWebhookConfiguration").Tree;
        Assert.Equal("directlb/directlb-webhook", configuration.Map("metadata.annotations")["cert-manager.io/inject-ca-from"]);
        Assert.False(Webhook(documents).Map("clientConfig").ContainsKey("caBundle"));
        AssertMountedAsTheWebhookCertificate(documents, certificate.Str("spec.secretName"));
    }

    [Fact]
    public void With_cert_manager_and_an_issuer_of_your_own_the_chart_makes_no_Issuer()
    {
        var documents = Repository.Chart.Render("webhook: { certManager: { enabled: true, issuerName: corp-ca, issuerKind: ClusterIssuer } }");

        Assert.Empty(documents.OfKind("Issuer"));
        var issuer = documents.Single("Certificate").Tree.Map("spec.issuerRef");
        Assert.Equal(("corp-ca", "ClusterIssuer"), (issuer.Str("name"), issuer.Str("kind")));
    }

    [Fact]
    public void Without_the_webhook_nothing_of_it_is_rendered()
    {
        var documents = Repository.Chart.Render(PlainManifestsTests.Values);

        Assert.Empty(documents.OfKind("MutatingWebhookConfiguration"));
        Assert.Empty(documents.OfKind("Secret"));
        Assert.Equal(["directlb-akka"], documents.OfKind("Service").Select(document => document.Name));
        Assert.DoesNotContain(Container(documents).Strings("args"), arg => arg.StartsWith("--webhook-", StringComparison.Ordinal));
        Assert.DoesNotContain(Container(documents).Maps("ports"), port => port.Str("name") == "webhook");
    }

    /// <summary>The Secret is mounted read-only where --webhook-cert and --webhook-key point.</summary>
    private static void AssertMountedAsTheWebhookCertificate(IReadOnlyList<RenderedDocument> documents, string secretName)
    {
        var pod = documents.Single("StatefulSet").Tree.Map("spec.template.spec");
        var volume = pod.Maps("volumes").Single(v => v.ContainsKey("secret") && v.Str("secret.secretName") == secretName);
        var mount = Container(documents).Maps("volumeMounts").Single(m => m.Str("name") == volume.Str("name"));
        Assert.Equal(true, mount.At("readOnly"));
        var args = Container(documents).Strings("args");
        Assert.Contains($"--webhook-cert={mount.Str("mountPath")}/tls.crt", args);
        Assert.Contains($"--webhook-key={mount.Str("mountPath")}/tls.key", args);
    }
}
