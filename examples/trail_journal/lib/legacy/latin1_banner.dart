import 'package:flutter/material.dart';

import '../theme/insets.dart';

/// Old welcome banner from the first version of the app, kept for the
/// French-speaking beta testers.
class LegacyWelcomeBanner extends StatelessWidget {
  const LegacyWelcomeBanner({super.key, this.onDismiss});

  final VoidCallback? onDismiss;

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return MaterialBanner(
      padding: Insets.md,
      leading: const Icon(Icons.hiking),
      content: Text(
        'Bienvenue ! Prêt pour la randonnée ? Créez votre première sortie.',
        style: textTheme.bodyMedium,
      ),
      actions: [
        TextButton(
          onPressed: onDismiss,
          child: const Text('Fermer'),
        ),
      ],
    );
  }
}
