using DirectLB.Deploy.Tests.Rendering;
using Xunit;

namespace DirectLB.Deploy.Tests;

/// <summary>RBAC grants exactly what DirectLB does, nothing more: every extra verb is a question to answer first.</summary>
public class RbacTests
{
    private readonly IReadOnlyList<RenderedDocument> documents = Repository.Chart.Render();

    [Fact]
    public void The_ClusterRole_grants_exactly_what_DirectLB_does_in_a_member_cluster()
    {
        string[] expected =
        [
            "/events create", "/events patch",
            "/namespaces get",
            "/pods list", "/pods watch", "/pods/status patch",
            "/services get", "/services list", "/services patch", "/services watch",
            "/services/status patch",
            "discovery.k8s.io/endpointslices get", "discovery.k8s.io/endpointslices list", "discovery.k8s.io/endpointslices watch",
            "events.k8s.io/events create", "events.k8s.io/events patch",
        ];
        Assert.Equal(expected, Grants(documents.Single("ClusterRole")));
    }

    [Fact]
    public void The_Role_only_reads_member_cluster_Secrets_in_its_own_namespace()
    {
        var role = documents.Single("Role");
        Assert.Equal("directlb", role.Tree.Str("metadata.namespace"));
        Assert.Equal(["/secrets get", "/secrets list", "/secrets watch"], Grants(role));
    }

    [Theory]
    [InlineData("ClusterRoleBinding", "ClusterRole")]
    [InlineData("RoleBinding", "Role")]
    public void Bindings_give_the_role_to_DirectLB_service_account(string bindingKind, string roleKind)
    {
        var binding = documents.Single(bindingKind).Tree;
        Assert.Equal(roleKind, binding.Str("roleRef.kind"));
        Assert.Equal(documents.Single(roleKind).Name, binding.Str("roleRef.name"));
        var subject = binding.Maps("subjects").Single();
        Assert.Equal("ServiceAccount", subject.Str("kind"));
        Assert.Equal(documents.Single("ServiceAccount").Name, subject.Str("name"));
        Assert.Equal("directlb", subject.Str("namespace"));
    }

    /// <summary>"group/resource verb" for every combination a role's rules allow, sorted; a wildcard fails.</summary>
    private static IReadOnlyList<string> Grants(RenderedDocument role) =>
    [
        .. from rule in role.Tree.Maps("rules")
           from grant in Expand(rule)
           orderby grant
           select grant,
    ];

    private static IEnumerable<string> Expand(Dictionary<string, object?> rule)
    {
        var (groups, resources, verbs) = (rule.Strings("apiGroups"), rule.Strings("resources"), rule.Strings("verbs"));
        Assert.DoesNotContain("*", groups.Concat(resources).Concat(verbs));
        Assert.False(rule.ContainsKey("nonResourceURLs"));
        return from g in groups from r in resources from v in verbs select $"{g}/{r} {v}";
    }
}
