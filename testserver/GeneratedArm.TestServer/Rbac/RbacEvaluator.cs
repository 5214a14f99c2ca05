using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Rbac;

/// <summary>
/// Decides whether a principal may perform an action at a scope, as Azure RBAC does:
/// the union of the principal's role assignments at the scope or above (subscription → resource group → resource),
/// each granting its role's <c>actions</c> minus its <c>notActions</c>; <c>*</c> wildcards, case-insensitive.
/// </summary>
public static class RbacEvaluator
{
    /// <summary>True when <paramref name="principalId"/> may perform <paramref name="action"/> at <paramref name="scope"/>.</summary>
    public static bool IsAllowed(EmulatorState state, string principalId, string action, string scope)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var assignment in state.RoleAssignmentsOf(principalId))
        {
            if (!ScopeContains(assignment.Scope, scope)) continue;
            var role = state.FindRoleDefinition(assignment.RoleDefinitionId);
            if (role is null) continue;
            if (role.Actions.Any(a => ActionMatches(a, action)) && !role.NotActions.Any(a => ActionMatches(a, action)))
                return true;
        }
        return false;
    }

    /// <summary>True when <paramref name="assignmentScope"/> is <paramref name="scope"/> or one of its ancestors (segment-wise, case-insensitive).</summary>
    public static bool ScopeContains(string assignmentScope, string scope)
    {
        ArgumentNullException.ThrowIfNull(assignmentScope);
        ArgumentNullException.ThrowIfNull(scope);
        string parent = assignmentScope.TrimEnd('/');
        string child = scope.TrimEnd('/');
        if (parent.Length == 0) return true; // "/" (root) covers everything
        if (!child.StartsWith(parent, StringComparison.OrdinalIgnoreCase)) return false;
        return child.Length == parent.Length || child[parent.Length] == '/';
    }

    /// <summary>
    /// Matches an action against a role's action pattern: <c>*</c> matches any run of characters, case-insensitively (role
    /// definitions mix <c>Delete</c> and <c>delete</c>). A plain glob matcher: no regular expressions, linear-ish, allocation-free.
    /// </summary>
    public static bool ActionMatches(string pattern, string action)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(action);
        int p = 0, a = 0, star = -1, resume = 0;
        while (a < action.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = a;
            }
            else if (p < pattern.Length && char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(action[a]))
            {
                p++;
                a++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                a = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
