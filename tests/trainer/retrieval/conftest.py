"""Hand-made widget records for the retrieval tests: each one obviously about one thing."""

from __future__ import annotations

import pytest


def widget(name: str, instruction: str, body: str, *, project: str = "app", line: int = 1) -> dict:
    """A harvested-record-shaped dict for a stateless widget ``name`` whose build returns ``body``."""
    output = (
        f"class {name} extends StatelessWidget {{\n"
        f"  const {name}({{super.key}});\n\n"
        "  @override\n"
        f"  Widget build(BuildContext context) {{\n    return {body};\n  }}\n}}\n"
    )
    return {
        "instruction": instruction, "input": "", "output": output, "name": name, "kind": "stateless",
        "source": f"lib/{name.lower()}.dart", "project": project, "line": line, "instruction_source": "doc",
    }


HAND_MADE = [
    widget("ProfileCard", "A card that shows the user's avatar, name and email.",
           "Card(child: ListTile(leading: CircleAvatar(backgroundImage: NetworkImage(user.avatarUrl)), "
           "title: Text(user.name), subtitle: Text(user.email)))"),
    widget("LoginForm", "A login form with email and password fields and a submit button.",
           "Form(child: Column(children: [TextFormField(decoration: InputDecoration(labelText: 'Email')), "
           "TextFormField(obscureText: true), ElevatedButton(onPressed: onSubmit, child: Text('Log in'))]))"),
    widget("SettingsList", "A list of settings with on/off switches.",
           "ListView(children: [SwitchListTile(title: Text('Dark mode'), value: dark, onChanged: onDark), "
           "SwitchListTile(title: Text('Notifications'), value: notify, onChanged: onNotify)])"),
    widget("LoadingSpinner", "A centered circular progress indicator shown while loading.",
           "const Center(child: CircularProgressIndicator())"),
    widget("ProductGrid", "A grid of product tiles with image and price.",
           "GridView.builder(gridDelegate: const SliverGridDelegateWithFixedCrossAxisCount(crossAxisCount: 2), "
           "itemCount: products.length, itemBuilder: (context, i) => ProductTile(product: products[i]))"),
    widget("ErrorBanner", "A red banner showing an error message with a retry button.",
           "MaterialBanner(backgroundColor: Colors.red, content: Text(message), "
           "actions: [TextButton(onPressed: onRetry, child: const Text('Retry'))])"),
]


@pytest.fixture
def hand_made() -> list[dict]:
    return [dict(r) for r in HAND_MADE]


@pytest.fixture
def make_widget():
    """The ``widget(name, instruction, body, project=, line=)`` record builder."""
    return widget
