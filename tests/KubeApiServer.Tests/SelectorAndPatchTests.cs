using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Patching;
using DirectLB.KubeApiServer.Resources;
using DirectLB.KubeApiServer.Selectors;
using Xunit;

namespace DirectLB.KubeApiServer.Tests;

public sealed class SelectorAndPatchTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app = web , tier == front", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("app in (db, web)", true)]
    [InlineData("app notin (db,web)", false)]
    [InlineData("missing notin (a)", true)]
    [InlineData("app in (web),tier in (back)", false)]
    public void Label_selector_matches_like_kubernetes(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));

    [Theory]
    [InlineData("app in web")]
    [InlineData("a b c")]
    [InlineData("=x")]
    public void Malformed_label_selector_is_a_bad_request(string selector) =>
        Assert.Equal(400, Assert.Throws<KubeApiException>(() => LabelSelector.Parse(selector)).Code);

    [Fact]
    public void Field_selector_accepts_only_registered_fields()
    {
        var ev = JsonNode.Parse("""{"metadata":{"name":"e","namespace":"n"},"involvedObject":{"name":"web"},"reason":"X"}""")!.AsObject();

        Assert.True(FieldSelector.Parse("involvedObject.name=web,metadata.namespace=n", ResourceTable.CoreEvents).Matches(ev));
        Assert.False(FieldSelector.Parse("reason!=X", ResourceTable.CoreEvents).Matches(ev));
        Assert.Equal(400, Assert.Throws<KubeApiException>(() => FieldSelector.Parse("involvedObject.name=web", ResourceTable.Services)).Code);
    }

    [Fact]
    public void Merge_patch_follows_rfc_7386()
    {
        var target = JsonNode.Parse("""{"a":"b","c":{"d":"e","f":"g"},"l":[1,2]}""");
        var patch = JsonNode.Parse("""{"a":"z","c":{"f":null},"l":[3],"n":{"x":1}}""");

        var result = MergePatch.Apply(target, patch);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":"z","c":{"d":"e"},"l":[3],"n":{"x":1}}"""), result));
    }

    [Fact]
    public void Json_patch_follows_rfc_6902()
    {
        var target = JsonNode.Parse("""{"a":{"b":[1,2,3]},"c":"d"}""");
        var patch = JsonNode.Parse("""
            [{"op":"add","path":"/a/b/1","value":9},
             {"op":"add","path":"/a/b/-","value":4},
             {"op":"remove","path":"/a/b/0"},
             {"op":"move","from":"/c","path":"/e"},
             {"op":"copy","from":"/e","path":"/f~1g"},
             {"op":"test","path":"/f~1g","value":"d"}]
            """);

        var result = JsonPatch.Apply(target, patch);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":{"b":[9,2,3,4]},"e":"d","f/g":"d"}"""), result));
        Assert.Throws<JsonPatchException>(() => JsonPatch.Apply(target, JsonNode.Parse("""[{"op":"remove","path":"/nope"}]""")));
        Assert.Throws<JsonPatchException>(() => JsonPatch.Apply(target, JsonNode.Parse("""[{"op":"test","path":"/c","value":"x"}]""")));
    }
}
