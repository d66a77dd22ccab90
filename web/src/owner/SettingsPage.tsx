// PLACEHOLDER: replaced by the owner-dashboard work in progress (must not ship).
export default function SettingsPage() {
  return <p>SettingsPage</p>;
}
