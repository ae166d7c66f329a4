import 'package:flutter/material.dart';

import '../theme/insets.dart';

/// A bold section title with an optional trailing action, used between
/// groups of cards on the home and detail screens.
Widget buildSectionHeader(String title, {VoidCallback? onSeeAll}) {
  return Padding(
    padding: Insets.horizontalMd,
    child: Row(
      children: [
        Expanded(
          child: Text(
            title,
            style: const TextStyle(
              fontSize: 18,
              fontWeight: FontWeight.w600,
            ),
          ),
        ),
        if (onSeeAll != null)
          TextButton(
            onPressed: onSeeAll,
            child: const Text('See all'),
          ),
      ],
    ),
  );
}

Widget buildEmptyState(
  BuildContext context, {
  required IconData icon,
  required String message,
}) {
  final textTheme = Theme.of(context).textTheme;
  return Center(
    child: Padding(
      padding: Insets.lg,
      child: Column(
        mainAxisSize: MainAxisSize.min,
        children: [
          Icon(icon, size: 48, color: Colors.grey),
          const SizedBox(height: 8),
          Text(
            message,
            textAlign: TextAlign.center,
            style: textTheme.bodyMedium,
          ),
        ],
      ),
    ),
  );
}

/// A thin divider with a small label in the middle, e.g. a month name in
/// the hike log.
class LabeledDivider extends StatelessWidget {
  const LabeledDivider({super.key, required this.label});

  final String label;

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Padding(
      padding: Insets.verticalSm,
      child: Row(
        children: [
          const Expanded(child: Divider()),
          Padding(
            padding: Insets.horizontalMd,
            child: Text(label, style: textTheme.labelSmall),
          ),
          const Expanded(child: Divider()),
        ],
      ),
    );
  }
}
