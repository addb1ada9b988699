using System.Text.Json.Nodes;
using DirectLB.Actors.Admission;

namespace DirectLB.Tests.Admission;

public class ReadinessGateInjectionTests
{
    private static JsonNode Review(string operation = "CREATE", string kind = "Pod", string group = "", string spec = """{"containers":[]}""") => new JsonObject
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = "u-1",
            ["kind"] = new JsonObject { ["group"] = group, ["version"] = "v1", ["kind"] = kind },
            ["operation"] = operation,
            ["namespace"] = "shop",
            ["object"] = new JsonObject
            {
                ["metadata"] = JsonNode.Parse("""{"generateName":"web-","labels":{"app":"web"}}"""),
                ["spec"] = JsonNode.Parse(spec),
            },
        },
    };

    [Theory]
    [InlineData("UPDATE", "Pod", "")]
    [InlineData("CREATE", "Service", "")]
    [InlineData("CREATE", "Pod", "example.com")]
    public void Anything_but_a_core_Pod_creation_is_left_alone(string operation, string kind, string group) =>
        Assert.IsType<OtherRequest>(AdmissionReview.Read(Review(operation, kind, group)));

    [Fact]
    public void A_Pod_creation_is_read_with_its_namespace_labels_and_gates()
    {
        var pod = Assert.IsType<PodCreation>(AdmissionReview.Read(Review(spec: """{"readinessGates":[{"conditionType":"a/b"}]}""")));

        Assert.Equal(("u-1", "shop", "web-*"), (pod.Uid, pod.Namespace, pod.PodName));
        Assert.Equal("web", pod.Labels["app"]);
        Assert.Equal(["a/b"], pod.ReadinessGates.ToArray());
    }

    [Fact]
    public void A_pod_without_gates_gets_the_whole_list_in_one_operation()
    {
        var pod = (PodCreation)AdmissionReview.Read(Review());

        var patch = ReadinessGateInjection.Patch(pod, ReadinessGateInjection.Missing(pod, ["web", "api", "web"]))!;

        Assert.Equal(
            """[{"op":"add","path":"/spec/readinessGates","value":[{"conditionType":"target-health.directlb.io/api"},{"conditionType":"target-health.directlb.io/web"}]}]""",
            patch.ToJsonString());
    }

    [Fact]
    public void A_pod_with_gates_keeps_them_and_gets_only_the_missing_ones_appended()
    {
        var pod = (PodCreation)AdmissionReview.Read(Review(spec: """{"readinessGates":[{"conditionType":"target-health.directlb.io/web"}]}"""));

        var patch = ReadinessGateInjection.Patch(pod, ReadinessGateInjection.Missing(pod, ["web", "api"]))!;

        Assert.Equal("""[{"op":"add","path":"/spec/readinessGates/-","value":{"conditionType":"target-health.directlb.io/api"}}]""", patch.ToJsonString());
        Assert.Null(ReadinessGateInjection.Patch(pod, ReadinessGateInjection.Missing(pod, ["web"])));
    }

    [Fact]
    public void The_answer_always_allows_and_carries_the_patch_in_base64()
    {
        var answer = AdmissionReview.Allowed("u-1", [new JsonObject { ["op"] = "add", ["path"] = "/x", ["value"] = 1 }]);

        Assert.Equal("admission.k8s.io/v1", answer["apiVersion"]!.GetValue<string>());
        Assert.True(answer["response"]!["allowed"]!.GetValue<bool>());
        Assert.Equal("JSONPatch", answer["response"]!["patchType"]!.GetValue<string>());
        Assert.Equal("""[{"op":"add","path":"/x","value":1}]""", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(answer["response"]!["patch"]!.GetValue<string>())));
        Assert.Null(AdmissionReview.Allowed("u-2", null)["response"]!["patch"]);
    }
}
