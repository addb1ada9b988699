using System.Text;
using DirectLB.Deploy.Tests.Rendering;
using Xunit;

namespace DirectLB.Deploy.Tests;

public class MemberClusterSecretTests
{
    private const string TwoClusters = """
        memberClusters:
          - id: east
            kubeconfig: |
              apiVersion: v1
              kind: Config
              current-context: east
          - id: west
            kubeconfig: "apiVersion: v1\nkind: Config\n"
        """;

    /// <summary>The member cluster Secrets, not the webhook's certificate.</summary>
    private static IReadOnlyList<RenderedDocument> MemberSecrets(string? values = null) =>
        [.. Repository.Chart.Render(values).OfKind("Secret").Where(secret => secret.Tree.Map("metadata.labels").ContainsKey("directlb.io/member-cluster"))];

    [Fact]
    public void None_are_rendered_by_default() =>
        Assert.Empty(MemberSecrets());

    [Fact]
    public void Each_member_cluster_becomes_a_labelled_Secret_holding_its_kubeconfig()
    {
        var secrets = MemberSecrets(TwoClusters);

        Assert.Equal(["directlb-member-east", "directlb-member-west"], secrets.Select(secret => secret.Name));
        var east = secrets[0].Tree;
        Assert.Equal("directlb", east.Str("metadata.namespace"));
        // Label keys hold dots, so they are looked up in the map, not along a dotted path.
        var labels = east.Map("metadata.labels");
        Assert.Equal("true", labels["directlb.io/member-cluster"]);
        Assert.Equal("east", labels["directlb.io/cluster-id"]);
        Assert.Equal(
            "apiVersion: v1\nkind: Config\ncurrent-context: east\n",
            Encoding.UTF8.GetString(Convert.FromBase64String(east.Str("data.kubeconfig"))));
    }
}
