/**
 * Routes. App routes come first and are all reserved usernames (shared/username.ts), so a
 * profile can never shadow them; `/:username` is the public profile; anything else is 404.
 * Owner and public pages are separate chunks: a visitor downloads only the public one.
 */
import { Route, Router } from "@solidjs/router";
import { lazy } from "solid-js";
import { Home } from "./pages/Home.tsx";
import { NotFound } from "./pages/NotFound.tsx";

const SignIn = lazy(() => import("./pages/SignIn.tsx"));
const SignUp = lazy(() => import("./pages/SignUp.tsx"));
const ResetPassword = lazy(() => import("./pages/ResetPassword.tsx"));
const OwnerLayout = lazy(() => import("./owner/OwnerLayout.tsx"));
const Overview = lazy(() => import("./owner/OverviewPage.tsx"));
const Agents = lazy(() => import("./owner/AgentsPage.tsx"));
const AgentEditor = lazy(() => import("./owner/AgentEditorPage.tsx"));
const Knowledge = lazy(() => import("./owner/KnowledgePage.tsx"));
const Conversations = lazy(() => import("./owner/ConversationsPage.tsx"));
const Conversation = lazy(() => import("./owner/ConversationPage.tsx"));
const ProfileEditor = lazy(() => import("./owner/ProfilePage.tsx"));
const Settings = lazy(() => import("./owner/SettingsPage.tsx"));
const PublicProfile = lazy(() => import("./public/PublicProfilePage.tsx"));

export function App() {
  return (
    <Router>
      <Route path="/" component={Home} />
      <Route path="/sign-in" component={SignIn} />
      <Route path="/sign-up" component={SignUp} />
      <Route path="/reset-password" component={ResetPassword} />
      <Route path="/dashboard" component={OwnerLayout}>
        <Route path="/" component={Overview} />
        <Route path="/agents" component={Agents} />
        <Route path="/agents/new" component={AgentEditor} />
        <Route path="/agents/:id" component={AgentEditor} />
        <Route path="/knowledge" component={Knowledge} />
        <Route path="/conversations" component={Conversations} />
        <Route path="/conversations/:id" component={Conversation} />
        <Route path="/profile" component={ProfileEditor} />
        <Route path="/settings" component={Settings} />
        <Route path="*" component={NotFound} />
      </Route>
      <Route path="/:username" component={PublicProfile} />
      <Route path="*" component={NotFound} />
    </Router>
  );
}
