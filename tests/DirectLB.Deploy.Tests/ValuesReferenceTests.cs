using DirectLB.Deploy.Tests.Rendering;
using Xunit;

namespace DirectLB.Deploy.Tests;

public class ValuesReferenceTests
{
    [Fact]
    public void The_deploy_README_documents_every_value()
    {
        var readme = File.ReadAllText(Repository.Deploy("README.md"));
        var values = PlainYaml.Load(File.ReadAllText(Repository.Deploy("helm", "directlb", "values.yaml")));
        Assert.All(LeafKeys(values, ""), key => Assert.Contains($"`{key}`", readme, StringComparison.Ordinal));
    }

    private static IEnumerable<string> LeafKeys(Dictionary<string, object?> map, string prefix) =>
        map.SelectMany(entry => entry.Value is Dictionary<string, object?> nested
            ? LeafKeys(nested, $"{prefix}{entry.Key}.")
            : [prefix + entry.Key]);
}
