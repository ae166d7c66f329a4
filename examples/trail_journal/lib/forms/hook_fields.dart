import 'package:flutter/material.dart';
import 'package:flutter_hooks/flutter_hooks.dart';

import '../theme/insets.dart';

/// Distance input with a km/mi toggle; converts the value when the unit
/// changes.
class DistanceField extends HookWidget {
  const DistanceField({super.key, this.onChanged});

  final ValueChanged<double>? onChanged;

  @override
  Widget build(BuildContext context) {
    final controller = useTextEditingController();
    final inMiles = useState(false);
    return Row(
      children: [
        Expanded(
          child: TextFormField(
            controller: controller,
            keyboardType: TextInputType.number,
            decoration: InputDecoration(
              labelText: inMiles.value ? 'Distance (mi)' : 'Distance (km)',
              prefixIcon: const Icon(Icons.route),
            ),
            validator: (value) {
              if (value != null &&
                  value.isNotEmpty &&
                  double.tryParse(value) == null) {
                return 'Not a number';
              }
              return null;
            },
            onChanged: (value) {
              final parsed = double.tryParse(value);
              if (parsed != null) {
                onChanged?.call(inMiles.value ? parsed * 1.609 : parsed);
              }
            },
          ),
        ),
        const SizedBox(width: 8),
        ToggleButtons(
          isSelected: [!inMiles.value, inMiles.value],
          onPressed: (index) => inMiles.value = index == 1,
          children: const [
            Text('km'),
            Text('mi'),
          ],
        ),
      ],
    );
  }
}

class TagInput extends HookWidget {
  const TagInput({super.key, required this.onTagsChanged});

  final ValueChanged<List<String>> onTagsChanged;

  @override
  Widget build(BuildContext context) {
    final controller = useTextEditingController();
    final tags = useState<List<String>>(const []);

    void addTag(String value) {
      final tag = value.trim();
      if (tag.isEmpty || tags.value.contains(tag)) {
        return;
      }
      tags.value = [...tags.value, tag];
      controller.clear();
      onTagsChanged(tags.value);
    }

    return Column(
      crossAxisAlignment: CrossAxisAlignment.start,
      children: [
        TextField(
          controller: controller,
          decoration: const InputDecoration(labelText: 'Add tag'),
          onSubmitted: addTag,
        ),
        const SizedBox(height: 8),
        Wrap(
          spacing: 8,
          children: [
            for (final tag in tags.value)
              InputChip(
                label: Text(tag),
                onDeleted: () {
                  tags.value = tags.value.where((t) => t != tag).toList();
                  onTagsChanged(tags.value);
                },
              ),
          ],
        ),
      ],
    );
  }
}

Widget buildFormSection({
  required String title,
  required List<Widget> children,
}) {
  return Padding(
    padding: Insets.verticalSm,
    child: Column(
      crossAxisAlignment: CrossAxisAlignment.start,
      children: [
        Text(
          title,
          style: const TextStyle(fontWeight: FontWeight.w600),
        ),
        const SizedBox(height: 8),
        ...children,
      ],
    ),
  );
}
