using System.Text.Json.Nodes;
using k8s.Autorest;
using Xunit;

namespace DirectLB.KubeApiServer.Tests;

internal static class ApiAssert
{
    /// <summary>Asserts the call fails with the given HTTP code and a Status body carrying the given reason.</summary>
    public static async Task<JsonObject> FailsWithAsync(int code, string reason, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(call);
        Assert.Equal(code, (int)e.Response.StatusCode);
        var status = JsonNode.Parse(e.Response.Content)!.AsObject();
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal(reason, (string?)status["reason"]);
        Assert.Equal(code, (int?)status["code"]);
        return status;
    }

    /// <summary>Polls a condition until it holds or the deadline passes (for state reached asynchronously).</summary>
    public static async Task EventuallyAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met before the deadline");
            await Task.Delay(20);
        }
    }
}
